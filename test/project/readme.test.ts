import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../support/examples';

const ROOT = path.resolve(__dirname, '..', '..');

/** The TypeScript block under the README heading "A complete .projenrc.ts". */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## A complete .projenrc.ts')[1];
  const match = /```ts\n([\s\S]*?)```/.exec(section ?? '');
  if (!match) throw new Error('README.md has no ```ts block under "## A complete .projenrc.ts"');
  return match[1];
}

describe('README', () => {
  test('the complete .projenrc.ts example runs and synthesizes', () => {
    // GIVEN the example as a file inside the repository, where `projen-velocitas` resolves to src/ (jest maps it)
    const dir = path.join(ROOT, 'test', 'project', '.readme-example');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'projenrc.ts');
    fs.writeFileSync(file, readmeExample());
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    const cwd = process.cwd();
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      // WHEN it runs the way `npx projen` runs .projenrc.ts
      process.chdir(outdir);
      // A .projenrc.ts is a script: running it means loading it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require(file));
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // THEN it wrote the project
    expect(listFiles(outdir)).toEqual(expect.arrayContaining(['app/AppManifest.json', 'package.json']));
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'app', 'AppManifest.json'), 'utf8')).name).toBe('seat-adjuster');
  });

  test('the README example and every example type-check against the library (tsc, strict)', () => {
    // GIVEN the README example, every examples/*/.projenrc.ts, and one file with a misspelt option
    const dir = fs.mkdtempSync(path.join(ROOT, 'test', 'project', '.typecheck-'));
    try {
      fs.writeFileSync(path.join(dir, 'readme-example.ts'), readmeExample());
      fs.writeFileSync(path.join(dir, 'misspelt.ts'),
        "import { VehicleAppProject } from 'projen-velocitas';\nnew VehicleAppProject({ name: 'x', imageRegistry: 'ghcr.io' });\n");
      // Every .projenrc.ts below examples/, the monorepo examples' (examples/monorepos/<name>/) included.
      const examples = listFiles(path.join(ROOT, 'examples')).filter(f => path.basename(f) === '.projenrc.ts').map(f => path.join(ROOT, 'examples', f));
      expect(examples.length).toBeGreaterThanOrEqual(4);
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: ROOT, baseUrl: ROOT, paths: { 'projen-velocitas': ['src/index.ts'] }, noUnusedLocals: false },
        files: [path.join(dir, 'readme-example.ts'), path.join(dir, 'misspelt.ts'), ...examples],
      }));
      // WHEN
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
      // THEN the misspelt option is the one error: the README example and the examples compile
      const errors = tsc.stdout.split('\n').filter(l => /error TS\d+/.test(l));
      expect(errors).toEqual([expect.stringMatching(/misspelt\.ts\(2,\d+\): error TS2353: .*'imageRegistry'/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('names exactly two set-up commands for contributors: the demo and the tests', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    const testCommand = 'bash scripts/install-validators.sh && npm ci && npx projen build';
    expect(readme).toContain(testCommand);
    // .ci/run runs that very command
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    for (const step of testCommand.split(' && ')) expect(ci).toContain(step);
  });
});
