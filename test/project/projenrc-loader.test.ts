import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import * as ts from 'typescript';
import { VehicleAppProject } from '../../src';
import { projenrcCacheDir, projenrcCommand } from '../../src/projenrc/projenrc-typescript';

const ROOT = path.resolve(__dirname, '..', '..');
// The loader as the default task preloads it; ts-node only compiles the loader's own source for this test.
const REGISTER = path.join(ROOT, 'src', 'projenrc', 'register.ts');

function runProjenrc(dir: string): string {
  const result = spawnSync(process.execPath, ['--require', require.resolve('ts-node/register/transpile-only'), '--require', REGISTER, '.projenrc.ts'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), TS_NODE_COMPILER: require.resolve('typescript') } });
  if (result.status !== 0) throw new Error(`.projenrc.ts failed (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the .projenrc.ts loader', () => {
  test('the default task runs .projenrc.ts on plain Node with the loader, without an npx wrapper', () => {
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'projenrc-task-')) });
    const tasks = Testing.synth(project)['.projen/tasks.json'].tasks;
    expect(tasks.default.steps).toEqual([{ exec: projenrcCommand('.projenrc.ts') }]);
    // the task keeps the caller's PATH, so the runtime never evaluates projen's `npx -c` PATH for it
    expect(tasks.default.env).toEqual({ PATH: '$(echo $PATH)' });
    expect(JSON.stringify(tasks.default)).not.toMatch(/npx|tsx/);
    expect(project.deps.all.map(d => d.name)).not.toContain('tsx');
  });

  test('runs TypeScript with relative imports, and a second run reads the cache without the TypeScript compiler', () => {
    // GIVEN a project whose .projenrc.ts imports a helper from projenrc/ and uses type syntax
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projenrc-loader-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'));
    fs.mkdirSync(path.join(dir, 'projenrc'));
    fs.writeFileSync(path.join(dir, 'projenrc', 'greeting.ts'), 'export interface Greeting { readonly text: string }\nexport const greeting: Greeting = { text: "hello" };\n');
    fs.writeFileSync(path.join(dir, '.projenrc.ts'), [
      "import * as fs from 'fs';",
      "import { greeting } from './projenrc/greeting';",
      'const count: number = 2;',
      "fs.writeFileSync('out.txt', `${greeting.text} ${count}`);",
      'console.log(`ran in ${process.cwd()}`);',
    ].join('\n'));

    // WHEN it runs
    runProjenrc(dir);

    // THEN it ran, and both files are transpiled into the cache
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('hello 2');
    const cached = fs.readdirSync(projenrcCacheDir(dir)).filter(f => f.endsWith('.js'));
    expect(cached).toHaveLength(2);

    // WHEN it runs again with the TypeScript compiler gone
    fs.rmSync(path.join(dir, 'out.txt'));
    fs.unlinkSync(path.join(dir, 'node_modules', 'typescript'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'typescript'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), JSON.stringify({ name: 'typescript', version: ts.version, main: 'missing.js' }));
    runProjenrc(dir);

    // THEN the cached JavaScript ran
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('hello 2');

    // AND a changed file is transpiled anew (here: fails, since the compiler is gone)
    fs.appendFileSync(path.join(dir, '.projenrc.ts'), '\nconsole.log(count);\n');
    expect(() => runProjenrc(dir)).toThrow(/missing\.js|Cannot find module/);
  });
});
