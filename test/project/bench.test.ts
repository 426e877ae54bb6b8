import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

// Runs the benchmark in its smallest mode: it must produce its table, whatever the figures (no timing asserted).
describe('scripts/bench.ts', () => {
  test('prints one table with every measure, in a tiny mode', () => {
    // GIVEN one round, 1 and 2 apps, no property run
    const env = { ...process.env, BENCH_ROUNDS: '1', BENCH_APPS: '1,2', BENCH_PROPERTY_RUNS: '0' };

    // WHEN the bench task's script runs
    const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'scripts/bench.ts'],
      { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    // THEN the table has its columns and one row per measure, each with a figure
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^bench \d{4}-\d{2}-\d{2}, node v\d+/);
    const table = lines.filter(l => l.startsWith('| '));
    expect(table[0]).toBe('| measure | median wall | median CPU | peak memory | × the generated project\'s `npx projen` / CPU per app |');
    const rows = table.slice(2);
    const row = (label: RegExp) => {
      const found = rows.filter(r => label.test(r));
      expect(found).toHaveLength(1);
      return found[0].split('|').map(c => c.trim()).slice(1, -1);
    };
    for (const label of [/generated project \(seat-adjuster\)/, /plain projen TypeScript project/, /floor: `node` loading projen, constructs, cdk8s, cdk8s-plus-27, yaml/]) {
      const [, wall, , , ratio] = row(label);
      expect(wall).toMatch(/^\d+\.\d\d s$/);
      expect(ratio).toMatch(/^\d+\.\d\d wall, (\d+\.\d\d|n\/a) CPU$/);
    }
    for (const label of [/synthesis, 1 app \(/, /synthesis, 2 apps \(/]) {
      const [, time, cpu, memory, ratio] = row(label);
      expect(time).toMatch(/^\d+ ms$/);
      expect(cpu).toMatch(/^\d+ ms$/);
      expect(memory).toMatch(/^\d+ MiB$/);
      expect(ratio).toMatch(/ms CPU\/app/);
    }
    expect(row(/property run/)[1]).toBe('n/a');
    expect(rows).toHaveLength(6);
  }, 240_000);
});
