// Measures in-process synthesis of a VehicleAppMonorepo with 1, 10 and 50 apps: wall time (median after a
// warm-up, module loading excluded) and the peak RSS of a fresh process per size. Prints figures; asserts nothing.
// Run: npx ts-node --transpile-only scripts/bench-monorepo.ts [apps...]   (ROUNDS=n to change the sample size)
// The bench task can call benchMonorepo() for its table.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppInterface, AppOptions, DatapointAccess, VehicleAppMonorepo } from '../src';

/** One size's figures. */
export interface MonorepoBenchResult {
  readonly apps: number;
  /** Median synthesis time (construction and writing), ms. */
  readonly medianMs: number;
  /** Median CPU time (user and system) of the synthesis, ms: what the machine's load does not inflate. */
  readonly medianCpuMs: number;
  /** Peak resident memory of the process that synthesized it, MiB. */
  readonly peakRssMiB: number;
}

/** The i-th app: Python, signals and topics of its own, like the examples. */
function appOptions(i: number): AppOptions {
  const name = `app-${String(i).padStart(2, '0')}`;
  return {
    name,
    interfaces: [
      AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
      AppInterface.pubSub({ writes: [`${name}/status`] }),
    ],
  };
}

/** Synthesizes `count` apps into a fresh folder; returns wall and CPU ms of construction and writing (not the folder's removal). */
function synthesizeApps(count: number): { wallMs: number; cpuMs: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-monorepo-'));
  try {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const project = new VehicleAppMonorepo({ name: 'fleet', outdir, repositoryUrl: 'https://github.com/acme/fleet' });
    for (let i = 1; i <= count; i++) project.addApp(appOptions(i));
    project.synth();
    const used = process.cpuUsage(cpu);
    return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Measures one size in this process (call it in a fresh process for a meaningful peak RSS). */
export function measureApps(count: number, rounds: number): MonorepoBenchResult {
  process.env.PROJEN_DISABLE_POST = 'true';
  synthesizeApps(count); // warm-up: module loading and JIT are not what we measure
  const runs = Array.from({ length: rounds }, () => synthesizeApps(count));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    apps: count,
    medianMs: median(runs.map(r => r.wallMs)),
    medianCpuMs: median(runs.map(r => r.cpuMs)),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Each size in a fresh process: its own peak memory, no cache from a larger run. */
export function benchMonorepo(sizes: number[] = [1, 10, 50], rounds = Number(process.env.ROUNDS ?? 3)): MonorepoBenchResult[] {
  return sizes.map(apps => {
    const res = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', String(apps), String(rounds)], {
      encoding: 'utf8', cwd: path.resolve(__dirname, '..'), maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0) throw new Error(`bench of ${apps} apps failed:\n${res.stderr}`);
    return JSON.parse(res.stdout.trim().split('\n').pop()!) as MonorepoBenchResult;
  });
}

/** The figures as a table, with the time per app (linear growth keeps it flat). */
export function formatMonorepoBench(results: MonorepoBenchResult[]): string {
  const lines = [`${'apps'.padStart(5)} ${'synth ms'.padStart(10)} ${'CPU ms'.padStart(8)} ${'CPU ms per app'.padStart(15)} ${'peak RSS MiB'.padStart(13)}`];
  for (const r of results) {
    lines.push([
      String(r.apps).padStart(5), r.medianMs.toFixed(0).padStart(10), r.medianCpuMs.toFixed(0).padStart(8),
      (r.medianCpuMs / r.apps).toFixed(1).padStart(15), r.peakRssMiB.toFixed(0).padStart(13),
    ].join(' '));
  }
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    console.log(JSON.stringify(measureApps(Number(args[1]), Number(args[2]))));
  } else {
    const sizes = args.length > 0 ? args.map(Number) : [1, 10, 50];
    console.log(`VehicleAppMonorepo synthesis in-process, median of ${process.env.ROUNDS ?? 3} rounds after a warm-up (node ${process.version})`);
    console.log(formatMonorepoBench(benchMonorepo(sizes)));
  }
}
