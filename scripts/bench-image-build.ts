/**
 * Benchmark: cold image build vs. rebuild after a source-only change, for the generated Dockerfiles.
 *
 *   npx ts-node --transpile-only scripts/bench-image-build.ts [python|cpp ...]
 *
 * "Cold" builds every layer anew: a unique LABEL heads every stage, so no layer of an earlier build
 * matches (buildah 1.28 cannot reuse layers made with `--no-cache`, hence this route). RUN cache
 * mounts such as the pip or apt cache may be warm from earlier builds on this machine. The
 * "rebuild" then changes only a source file and builds again with `--layers`, as a developer's
 * inner loop does. Both builds use `--layers`. Target: rebuild <= 25 % of cold.
 * Needs root, buildah and the stand-in base images (sudo bash scripts/make-base-images.sh).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppInterface, AppLanguage, Instruction, VehicleAppProject } from '../src';

process.env.PROJEN_DISABLE_POST = 'true';

interface Result {
  readonly preset: string;
  readonly coldSeconds: number;
  readonly rebuildSeconds: number;
}

const SOURCE_CHANGE: Record<string, { file: string; line: string }> = {
  python: { file: 'src/main.py', line: '\n# bench: source-only change {n}\n' },
  cpp: { file: 'src/main.cpp', line: '\n// bench: source-only change {n}\n' },
};

function buildah(appDir: string, tag: string): number {
  const args = [
    'build', '--isolation', 'chroot', '--pull=never', '--layers',
    '--network', 'host', '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096',
    '--secret', 'id=ca,src=/etc/ssl/certs/ca-certificates.crt',
    // buildah 1.28 does not set $BUILDPLATFORM for `FROM --platform=$BUILDPLATFORM`.
    '--build-arg', 'BUILDPLATFORM=linux/amd64',
    '-f', path.join(appDir, 'Dockerfile'), '-t', tag, appDir,
  ];
  const start = process.hrtime.bigint();
  const res = spawnSync('buildah', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, BUILDAH_ISOLATION: 'chroot' } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`buildah ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
  return seconds;
}

function bench(preset: string): Result {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${preset}-`));
  const project = new VehicleAppProject({
    name: 'bench-app',
    language: preset === 'cpp' ? AppLanguage.CPP : AppLanguage.PYTHON,
    outdir,
    interfaces: [AppInterface.pubSub({ reads: ['bench/request'], writes: ['bench/response'] })],
  } as any);
  const nonce = `${Date.now()}-${process.pid}`;
  for (const stage of project.dockerfile.stages) {
    stage.insertInstructionBefore(stage.instructionIds[0], 'bench-nonce', Instruction.label({ 'bench.nonce': nonce }));
  }
  project.synth();
  const appDir = path.join(outdir, 'app');
  const tag = `localhost/bench/${preset}:latest`;
  process.stderr.write(`[bench] ${preset}: cold build ...\n`);
  const coldSeconds = buildah(appDir, tag);
  const change = SOURCE_CHANGE[preset];
  fs.appendFileSync(path.join(appDir, change.file), change.line.replace('{n}', String(Date.now())));
  process.stderr.write(`[bench] ${preset}: rebuild after a source-only change ...\n`);
  const rebuildSeconds = buildah(appDir, tag);
  spawnSync('buildah', ['rmi', '-f', tag]);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { preset, coldSeconds, rebuildSeconds };
}

function main(): void {
  const presets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['python', 'cpp'];
  const results = presets.map(bench);
  const rows = [['preset', 'cold (s)', 'rebuild (s)', 'rebuild/cold', 'target <= 25 %']];
  for (const r of results) {
    const ratio = r.rebuildSeconds / r.coldSeconds;
    rows.push([r.preset, r.coldSeconds.toFixed(1), r.rebuildSeconds.toFixed(1), `${(ratio * 100).toFixed(1)} %`, ratio <= 0.25 ? 'met' : 'MISSED']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

main();
