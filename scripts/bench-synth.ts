// Measures how long synthesizing a vehicle app takes next to a bare projen NodeProject, in one run:
// the cost our model, charts and workflows add to every `npx projen`. Prints figures; asserts nothing.
// Run: npx projen bench (ROUNDS=n to change the sample size).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript } from 'projen';
import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject } from '../src';

process.env.PROJEN_DISABLE_POST = 'true';
const ROUNDS = Number(process.env.ROUNDS ?? 15);

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
}

const cases: Record<string, () => void> = {
  'projen NodeProject (baseline)': () => new javascript.NodeProject({ name: 'baseline', defaultReleaseBranch: 'main', packageManager: javascript.NodePackageManager.NPM, outdir: outdir() }).synth(),
  'VehicleAppProject, Python seat adjuster': () => new VehicleAppProject({
    name: 'seat-adjuster', outdir: outdir(),
    interfaces: [
      AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }, { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE }] }),
      AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
    ],
  }).synth(),
  'VehicleAppProject, C++ with gRPC, 3 platforms': () => new VehicleAppProject({
    name: 'seat-controller', language: AppLanguage.CPP, outdir: outdir(), image: { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
    interfaces: [AppInterface.grpc({ src: 'seats.proto', requiredMethods: ['Move'] })],
  }).synth(),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const results: Array<[string, number]> = [];
for (const [name, run] of Object.entries(cases)) {
  run(); // warm-up: module loading and JIT are not what we measure
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  results.push([name, median(times)]);
}

const baseline = results[0][1];
console.log(`synth, median of ${ROUNDS} rounds after one warm-up (node ${process.version})`);
console.log(`${'case'.padEnd(48)} ${'median ms'.padStart(10)} ${'x baseline'.padStart(11)}`);
for (const [name, ms] of results) {
  console.log(`${name.padEnd(48)} ${ms.toFixed(1).padStart(10)} ${(ms / baseline).toFixed(2).padStart(11)}`);
}
console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
