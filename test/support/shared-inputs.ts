import * as fs from 'fs';
import * as path from 'path';

/**
 * Test inputs that live outside the repository (real-world manifests, VSS releases, vendored sources):
 * `../shared` beside the clone, or `$PV_SHARED_DIR`. They are never copied in, so a fresh clone may lack them.
 */
export const SHARED_DIR = path.resolve(process.env.PV_SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));

/** Absolute path of a shared input, e.g. `sharedPath('corpus', 'app-manifests')`; it may not exist. */
export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** Why a suite is not run: the input that is absent and where it is looked for. */
function absentReason(input: string): string {
  return `needs ${input}, which is absent (inputs from outside the repository are read from ../shared beside the clone, or from $PV_SHARED_DIR)`;
}

const warned = new Set<string>();

/**
 * A `describe` block whose tests need a shared input (a file or folder below {@link SHARED_DIR}).
 * Present: runs `body(absolutePath)`. Absent: one skipped test that names the input and the reason, or,
 * with CI=true, one failing test, so a CI run without the inputs is never counted as passed.
 */
export function describeWithShared(input: string, name: string, body: (inputPath: string) => void): void {
  const inputPath = sharedPath(input);
  if (fs.existsSync(inputPath)) {
    describe(name, () => body(inputPath));
    return;
  }
  const reason = absentReason(inputPath);
  describe(name, () => {
    if (process.env.CI === 'true') {
      test(`input ${input}`, () => {
        throw new Error(`CI=true: ${reason}`);
      });
      return;
    }
    if (!warned.has(inputPath)) {
      warned.add(inputPath);
      console.warn(`skipping "${name}": ${reason}`);
    }
    test.skip(`skipped: ${reason}`, () => undefined);
  });
}

/** Whether a shared input is present (for suites that enumerate its files while they are defined). */
export function hasShared(input: string): boolean {
  return fs.existsSync(sharedPath(input));
}

/**
 * One test that needs a shared input: present, it runs with the input's absolute path; absent, it is skipped
 * with the reason printed once, or fails with CI=true.
 */
export function testWithShared(input: string, name: string, fn: (inputPath: string) => void | Promise<void>, timeoutMs?: number): void {
  const inputPath = sharedPath(input);
  if (fs.existsSync(inputPath)) {
    test(name, async () => {
      await fn(inputPath);
    }, timeoutMs);
    return;
  }
  const reason = absentReason(inputPath);
  if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error(`CI=true: ${reason}`);
    });
    return;
  }
  if (!warned.has(inputPath)) {
    warned.add(inputPath);
    console.warn(`skipping tests that need it: ${reason}`);
  }
  test.skip(name, () => undefined);
}
