import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projenrcCommand } from '../../src/projenrc/projenrc-typescript';
import { listFiles } from '../support/examples';
import { missingLockEntries } from '../support/lock-file';

const ROOT = path.resolve(__dirname, '..', '..');
const PROJEN_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf8')).version;

function run(command: string, args: string[], cwd: string, timeout = 600_000): string {
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

function digest(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map(f => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

describe('npx projen new --from <tarball> vehicle-app', () => {
  test('creates a project whose own `npx projen` succeeds and leaves no drift', () => {
    // GIVEN the library as users get it: compiled by jsii and packed
    if (!fs.existsSync(path.join(ROOT, '.jsii')) || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
      throw new Error('lib/ and .jsii are missing: run `npx projen compile` (the build task does) before this test');
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'projen-new-'));
    const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!);
    const project = path.join(work, 'seat-adjuster');
    fs.mkdirSync(project);

    // WHEN a user creates a project from it in an empty directory
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tarball, 'vehicle-app', '--no-git'], project);

    // THEN the project definition is TypeScript using our project type
    const projenrc = fs.readFileSync(path.join(project, '.projenrc.ts'), 'utf8');
    expect(projenrc).toMatch(/import \{ VehicleAppProject \} from "projen-velocitas";/);
    expect(projenrc).toMatch(/name: "seat-adjuster"/);
    expect(JSON.parse(fs.readFileSync(path.join(project, 'app', 'AppManifest.json'), 'utf8'))).toMatchObject({ manifestVersion: 'v3', name: 'seat-adjuster' });
    const tasks = JSON.parse(fs.readFileSync(path.join(project, '.projen', 'tasks.json'), 'utf8')).tasks;
    // runs on plain Node through the library's loader: no npx wrapper, no TypeScript loader over node_modules
    expect(tasks.default.steps).toEqual([{ exec: projenrcCommand('.projenrc.ts') }]);

    // AND its own `npx projen` succeeds and changes nothing
    const before = digest(project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);

    // AND type-checking .projenrc.ts is a task of its own
    run('npx', ['projen', 'typecheck'], project);

    // AND its lock file is complete, so `npm ci` (what its CI runs) installs from it
    expect(missingLockEntries(path.join(project, 'package-lock.json'))).toEqual([]);
    fs.rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
    run('npm', ['ci', '--no-audit', '--no-fund'], project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);
  }, 900_000);
});
