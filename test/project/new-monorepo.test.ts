import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../support/examples';

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

describe('npx projen new --from <tarball> vehicle-app-monorepo', () => {
  test('creates a repository to which an app is added in .projenrc.ts; its own `npx projen` writes the app and leaves no drift', () => {
    // GIVEN the library as users get it: compiled by jsii and packed
    if (!fs.existsSync(path.join(ROOT, '.jsii')) || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
      throw new Error('lib/ and .jsii are missing: run `npx projen compile` (the build task does) before this test');
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'projen-new-monorepo-'));
    const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!);
    const project = path.join(work, 'fleet');
    fs.mkdirSync(project);

    // WHEN a user creates a repository from it and adds an app
    run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', '--from', tarball, 'vehicle-app-monorepo', '--no-git'], project);
    const projenrcFile = path.join(project, '.projenrc.ts');
    const projenrc = fs.readFileSync(projenrcFile, 'utf8');
    expect(projenrc).toMatch(/import \{ VehicleAppMonorepo \} from "projen-velocitas";/);
    expect(projenrc).toMatch(/name: "fleet"/);
    fs.writeFileSync(projenrcFile, projenrc.replace('project.synth();', "project.addApp({ name: 'speed-monitor' });\nproject.synth();"));
    run('npx', ['projen'], project);

    // THEN the app, its chart, the shared runtime and the workflows are there
    const files = listFiles(project);
    expect(files).toEqual(expect.arrayContaining([
      'apps/speed-monitor/AppManifest.json', 'apps/speed-monitor/Dockerfile', 'deploy/helm/speed-monitor/Chart.yaml',
      'deploy/helm/runtime/Chart.yaml', '.github/workflows/ci.yml', '.github/workflows/release.yml', '.github/scripts/changed-apps.sh',
    ]));
    // AND a second `npx projen` changes nothing
    const before = digest(project);
    run('npx', ['projen'], project);
    expect(digest(project)).toEqual(before);
  }, 900_000);
});
