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
  test('the complete .projenrc.ts example compiles and synthesizes', () => {
    // GIVEN the example as a file inside the repository, so ts-jest type-checks it with our tsconfig
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

  test('names exactly two set-up commands for contributors: the demo and the tests', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm run demo');
    const testCommand = 'bash scripts/install-validators.sh && npm install && npx projen build';
    expect(readme).toContain(testCommand);
    // .ci/run runs that very command
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    for (const step of testCommand.split(' && ')) expect(ci).toContain(step);
  });
});
