import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from './examples';

// What the `projen new --from <tarball>` tests share: the library packed as users get it, and a developer's shell.

export const ROOT = path.resolve(__dirname, '..', '..');
export const PROJEN_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf8')).version;

export function run(command: string, args: string[], cwd: string, timeout = 600_000): string {
  const env = { ...process.env };
  delete env.PROJEN_DISABLE_POST;
  // A developer runs `projen new`, not a CI job: with CI set, projen installs with `npm ci`, which needs a lock file.
  delete env.CI;
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

export function digest(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map(f => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

/** The library compiled by jsii and packed into a fresh work folder; returns the folder and the tarball's path. */
export function packLibrary(prefix: string): { work: string; tarball: string } {
  if (!fs.existsSync(path.join(ROOT, '.jsii')) || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error('lib/ and .jsii are missing: run `npx projen compile` (the build task does) before this test');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!);
  return { work, tarball };
}
