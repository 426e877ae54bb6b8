import * as fs from 'fs';
import * as path from 'path';

/** The shared test data beside the clone (shared/ next to the repository): never copied into the project. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');

const warned = new Set<string>();

/**
 * A test that reads `part` of the shared data (e.g. `vss`, `corpus/app-manifests`): it runs when the data is
 * there; when it is missing it FAILS with `CI=true` and is skipped elsewhere, with the reason printed once.
 */
export function testWithShared(part: string, name: string, fn: (dir: string) => void | Promise<void>, timeoutMs?: number): void {
  const dir = path.join(SHARED_DIR, part);
  if (fs.existsSync(dir)) {
    test(name, () => fn(dir), timeoutMs);
    return;
  }
  const reason = `missing shared test data ${dir} (the shared/ folder beside the clone)`;
  if (process.env.CI === 'true') {
    test(name, () => {
      throw new Error(reason);
    });
    return;
  }
  if (!warned.has(dir)) {
    warned.add(dir);
    console.warn(`skipping tests that need it: ${reason}`);
  }
  test.skip(name, () => fn(dir));
}

/** Whether `part` of the shared data is present (for suites that enumerate its files when they are defined). */
export function hasShared(part: string): boolean {
  return fs.existsSync(path.join(SHARED_DIR, part));
}
