/**
 * Benchmarks, printed as ONE markdown table from one run (figures, not assertions; the README shows a run):
 *
 *   npx projen bench                     (BENCH_ROUNDS=7 BENCH_APPS=1,10,50 BENCH_PROPERTY_RUNS=100)
 *
 * - `npx projen` in a generated project (the seat-adjuster example), in a plain projen TypeScript project
 *   (what `projen new typescript` writes) and the floor (node loading the five dependencies), interleaved
 *   round by round so machine load hits all three alike; median wall time and median CPU time (user+sys).
 * - In-process synthesis of 1, 10 and 50 apps, each count in a fresh process after a one-app warm-up: time and peak memory.
 * - The property run's projects per minute (scripts/property.ts, when the branch has it).
 *
 * Both projects live in a temporary folder with node_modules linked to this repository's, and the library
 * transpiled from src/ as users get lib/ (CommonJS), so no network and no jsii build is needed. `npx projen`
 * runs with --no-post: in a project whose dependencies are installed the post step installs nothing, and here
 * an npm install would rewrite the linked node_modules.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { projenrcCommand } from '../src/projenrc/projenrc-typescript';

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const APP_COUNTS = (process.env.BENCH_APPS ?? '1,10,50').split(',').map(Number);
const PROPERTY_RUNS = Number(process.env.BENCH_PROPERTY_RUNS ?? 100);
const FLOOR_DEPENDENCIES = ['projen', 'constructs', 'cdk8s', 'cdk8s-plus-27', 'yaml'];
/** Linked into both projects: the library's dependencies and what the two projects' default tasks run. */
const LINKED_MODULES = [...FLOOR_DEPENDENCIES, 'typescript', 'ts-node', '@types/node', '@types/jest'];
/** What the package ships beside lib/ (data the library reads at run time). */
const PACKAGE_DATA = ['vss'];

interface Row { readonly measure: string; readonly median: string; readonly cpu: string; readonly memory: string; readonly ratio: string }

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** CPU seconds of this process's waited-for children (Linux /proc), so a child's whole tree is counted. */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function linkModules(projectDir: string): void {
  for (const name of LINKED_MODULES) {
    const source = path.join(ROOT, 'node_modules', name);
    // Packages are linked one by one, never a scope folder, which an npm run would then manage through the link.
    fs.mkdirSync(path.dirname(path.join(projectDir, 'node_modules', name)), { recursive: true });
    if (fs.existsSync(source)) fs.symlinkSync(source, path.join(projectDir, 'node_modules', name));
  }
  fs.mkdirSync(path.join(projectDir, 'node_modules', '.bin'), { recursive: true });
  for (const [bin, target] of [['projen', '../projen/bin/projen'], ['ts-node', '../ts-node/dist/bin.js'], ['tsc', '../typescript/bin/tsc']]) {
    fs.symlinkSync(target, path.join(projectDir, 'node_modules', '.bin', bin));
  }
}

/** The library as npm installs it: lib/ (CommonJS from src/) and its data folders. */
function installLibrary(projectDir: string): string {
  const packageDir = path.join(projectDir, 'node_modules', 'projen-velocitas');
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []);
  for (const file of walk(path.join(ROOT, 'src'))) {
    const out = path.join(packageDir, 'lib', path.relative(path.join(ROOT, 'src'), file).replace(/\.ts$/, '.js'));
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
  }
  for (const data of PACKAGE_DATA) fs.symlinkSync(path.join(ROOT, data), path.join(packageDir, data));
  // The option shapes come from the jsii assembly (post-compile), not from src/.
  const shapes = path.join(ROOT, 'lib', 'option-shapes.json');
  if (!fs.existsSync(shapes)) throw new Error(`${shapes} is missing: run \`npx projen compile && npx projen option-shapes\` (the build and the demo do) first`);
  fs.copyFileSync(shapes, path.join(packageDir, 'lib', 'option-shapes.json'));
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name: 'projen-velocitas', version, main: 'lib/index.js' }));
  return packageDir;
}

function demoProject(work: string): { dir: string; library: string } {
  const dir = path.join(work, 'seat-adjuster');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  linkModules(dir);
  const library = installLibrary(dir);
  fs.copyFileSync(path.join(ROOT, 'examples', 'seat-adjuster', '.projenrc.ts'), path.join(dir, '.projenrc.ts'));
  // The first synthesis writes .projen/tasks.json, as `projen new` does.
  run('sh', ['-c', projenrcCommand('.projenrc.ts')], dir, { PROJEN_DISABLE_POST: 'true' });
  return { dir, library };
}

function plainProject(work: string): string {
  const dir = path.join(work, 'plain-typescript');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  linkModules(dir);
  run(process.execPath, [path.join(ROOT, 'node_modules', 'projen', 'bin', 'projen'), 'new', 'typescript', '--no-post', '--no-git'], dir);
  return dir;
}

interface Timed { readonly wall: number[]; readonly cpu: number[] }

/** Runs every command once per round, interleaved, after one untimed warm-up round. */
function timeInterleaved(commands: Record<string, { cwd: string; command: string; args: string[] }>): Record<string, Timed> {
  const times: Record<string, Timed> = Object.fromEntries(Object.keys(commands).map(k => [k, { wall: [], cpu: [] }]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, { cwd, command, args }] of Object.entries(commands)) {
      const cpuBefore = childrenCpuSeconds();
      const start = process.hrtime.bigint();
      run(command, args, cwd);
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      const cpuAfter = childrenCpuSeconds();
      if (round === 0) continue;
      times[name].wall.push(wall);
      if (cpuBefore !== undefined && cpuAfter !== undefined) times[name].cpu.push(cpuAfter - cpuBefore);
    }
  }
  return times;
}

/**
 * Synthesizes `count` apps and prints `<ms> <CPU ms> <peak RSS bytes> <mode>`. Runs in a bare node process (its source is
 * passed to `node -e`), so the peak memory is the library's and projen's, not ts-node's. The hook for the monorepo:
 * when the library exports VehicleAppMonorepo, one repository with `count` apps; otherwise `count` VehicleAppProjects.
 */
const SYNTHESIZE_APPS = (libraryDir: string, count: number): void => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fsModule = require('fs');
  const osModule = require('os');
  const pathModule = require('path');
  const library = require(libraryDir);
  /* eslint-enable @typescript-eslint/no-require-imports */
  process.env.PROJEN_DISABLE_POST = 'true';
  const outdir = fsModule.mkdtempSync(pathModule.join(osModule.tmpdir(), 'bench-apps-'));
  const app = (i: number) => ({
    name: `app-${i}`,
    interfaces: [library.AppInterface.pubSub({ reads: [`app${i}/request`], writes: [`app${i}/response`] })],
  });
  const synthesize = (n: number, dir: string): string => {
    if (library.VehicleAppMonorepo) {
      new library.VehicleAppMonorepo({ name: 'bench-monorepo', outdir: dir, apps: Array.from({ length: n }, (_, i) => app(i)) }).synth();
      return 'VehicleAppMonorepo';
    }
    for (let i = 0; i < n; i++) new library.VehicleAppProject({ ...app(i), outdir: pathModule.join(dir, `app-${i}`) }).synth();
    return 'VehicleAppProjects';
  };
  synthesize(1, pathModule.join(outdir, 'warm-up')); // loading and JIT are the `npx projen` rows' business
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const mode = synthesize(count, pathModule.join(outdir, 'measured'));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  console.log(`${ms.toFixed(1)} ${((cpu.user + cpu.system) / 1000).toFixed(1)} ${process.resourceUsage().maxRSS * 1024} ${mode}`);
  fsModule.rmSync(outdir, { recursive: true, force: true });
};

/** Projects per minute of the property run, read from the line scripts/property.ts prints. */
function propertyRate(): { figure: string; note: string } {
  const script = path.join(ROOT, 'scripts', 'property.ts');
  if (!fs.existsSync(script) || PROPERTY_RUNS === 0) return { figure: 'n/a', note: fs.existsSync(script) ? 'BENCH_PROPERTY_RUNS=0' : 'scripts/property.ts is not on this branch' };
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '.bin', 'ts-node'), '--transpile-only', script, '--seed', '1', '--runs', String(PROPERTY_RUNS), '--invalid-runs', '0'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const rate = /projects per minute: ([0-9.]+)/.exec(result.stdout ?? '');
  return rate ? { figure: `${rate[1]} projects/min`, note: `${PROPERTY_RUNS} projects, seed 1` } : { figure: 'n/a', note: `scripts/property.ts printed no "projects per minute" (status ${result.status})` };
}

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const demo = demoProject(work);
  const plain = plainProject(work);
  const npxProjen = { command: 'npx', args: ['projen', '--no-post'] };
  const floorScript = FLOOR_DEPENDENCIES.map(d => `require('${d}');`).join('');
  const times = timeInterleaved({
    demo: { cwd: demo.dir, ...npxProjen },
    plain: { cwd: plain, ...npxProjen },
    floor: { cwd: demo.dir, command: process.execPath, args: ['-e', floorScript] },
  });
  const cpu = (t: Timed) => t.cpu.length > 0 ? seconds(median(t.cpu)) : 'n/a';
  // Plain ÷ generated: how many times faster the generated project's `npx projen` is, in wall and in CPU time.
  const ratio = (t: Timed) => `${(median(t.wall) / median(times.demo.wall)).toFixed(2)} wall, `
    + (t.cpu.length > 0 && times.demo.cpu.length > 0 ? `${(median(t.cpu) / median(times.demo.cpu)).toFixed(2)} CPU` : 'n/a CPU');
  const rows: Row[] = [
    { measure: `\`npx projen\`, generated project (seat-adjuster), median of ${ROUNDS}`, median: seconds(median(times.demo.wall)), cpu: cpu(times.demo), memory: '', ratio: ratio(times.demo) },
    { measure: `\`npx projen\`, plain projen TypeScript project, median of ${ROUNDS}`, median: seconds(median(times.plain.wall)), cpu: cpu(times.plain), memory: '', ratio: ratio(times.plain) },
    { measure: `floor: \`node\` loading ${FLOOR_DEPENDENCIES.join(', ')}, median of ${ROUNDS}`, median: seconds(median(times.floor.wall)), cpu: cpu(times.floor), memory: '', ratio: ratio(times.floor) },
  ];

  let perAppOfOne: number | undefined;
  for (const count of APP_COUNTS) {
    const out = run(process.execPath, ['-e', `(${SYNTHESIZE_APPS.toString()})(${JSON.stringify(demo.library)}, ${count})`], demo.dir).trim().split('\n').pop()!;
    const [ms, cpuMs, rss, mode] = out.split(' ');
    // Per app in CPU time: the figure machine load does not inflate.
    const perApp = Number(cpuMs) / count;
    perAppOfOne ??= perApp;
    rows.push({ measure: `in-process synthesis, ${count} app${count === 1 ? '' : 's'} (${mode})`, median: `${Number(ms).toFixed(0)} ms`, cpu: `${Number(cpuMs).toFixed(0)} ms`,
      memory: `${(Number(rss) / 2 ** 20).toFixed(0)} MiB`, ratio: `${perApp.toFixed(1)} ms CPU/app (${(perApp / perAppOfOne).toFixed(2)}× the first count's)` });
  }
  const property = propertyRate();
  rows.push({ measure: `property run (${property.note})`, median: property.figure, cpu: '', memory: '', ratio: '' });

  const load = os.loadavg().map(l => l.toFixed(1)).join(' ');
  console.log(`bench ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, `
    + `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load}`);
  console.log('');
  console.log('| measure | median wall | median CPU | peak memory | × the generated project\'s `npx projen` / CPU per app |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.measure} | ${row.median} | ${row.cpu} | ${row.memory} | ${row.ratio} |`);
  fs.rmSync(work, { recursive: true, force: true });
}

main();
