import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppInterface, DatapointAccess, VehicleAppProject } from '../../src';
import { listFiles } from '../support/examples';
import { testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

/** projen's CLI, as `npx projen` runs it in a generated project. */
const PROJEN = require.resolve('projen/bin/projen');
const { READ, WRITE } = DatapointAccess;

// The Quick start: `projen new` (no interfaces), then the interfaces in .projenrc.ts, then `npx projen`.
const SIGNALS = [
  { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: READ },
  { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: WRITE },
  { path: 'Vehicle.Speed', access: READ },
  { path: 'Vehicle.Body.Windshield.Front.Wiping.Mode', access: WRITE },
];
const READ_TOPICS = ['seatadjuster/setPosition/request', 'seatadjuster/status/request'];
const WRITE_TOPICS = ['seatadjuster/setPosition/response', 'seatadjuster/currentPosition'];
const interfacesOf = (signals: typeof SIGNALS) => [
  AppInterface.vehicleSignals({ required: signals }),
  AppInterface.pubSub({ reads: READ_TOPICS, writes: WRITE_TOPICS }),
];

function synth(outdir: string, interfaces: AppInterface[]): void {
  new VehicleAppProject({ name: 'seat-adjuster', outdir, interfaces }).synth();
}

/** The app's own sources (neither the bindings nor another file projen writes) with their contents. */
function ownedSources(outdir: string): { [file: string]: string } {
  const projenFiles: string[] = JSON.parse(fs.readFileSync(path.join(outdir, '.projen/files.json'), 'utf8')).files;
  const files = listFiles(outdir).filter(f => f.startsWith('app/') && !projenFiles.includes(f) && f !== 'app/AppManifest.json'
    && !/(^|\/)(\.venv|__pycache__|\.pytest_cache|\.ruff_cache)\/|\.coverage$/.test(f));
  return Object.fromEntries(files.map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
}

/** Removes a signal's entry from the owned signal mock (app/mock.json), as its synth error says to. */
function removeMockEntry(outdir: string, signal: string): void {
  const file = path.join(outdir, 'app/mock.json');
  const mock = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete mock.signals[signal];
  fs.writeFileSync(file, JSON.stringify(mock, null, 2) + '\n');
}

/** Runs `npx projen <args>` in the project; its status and whole output. */
function projen(outdir: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [PROJEN, ...args], { cwd: outdir, encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}` };
}

/** The ids of the tests pytest reports as passed (`-rA`). */
function passed(output: string): string[] {
  return [...output.matchAll(/^PASSED (\S+)/gm)].map(m => m[1]);
}

describe('the Quick start: a bare project, then interfaces, then `npx projen`', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocitas-quick-start-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  let owned: { [file: string]: string };
  let bareBase: string;

  test('`projen new` writes the owned sample and bindings of no interfaces', () => {
    // WHEN
    synth(outdir, []);

    // THEN
    owned = ownedSources(outdir);
    expect(Object.keys(owned)).toEqual(expect.arrayContaining(['app/src/main.py', 'app/src/logic.py', 'app/tests/unit/test_app.py', 'app/ruff.toml']));
    bareBase = fs.readFileSync(path.join(outdir, 'app/src/generated/base.py'), 'utf8');
    expect(bareBase).toContain('HOOKS: tuple[str, ...] = (*SIGNAL_HOOKS.values(), *TOPIC_HOOKS.values())');
    expect(bareBase).toContain('SIGNAL_HOOKS: dict[str, str] = {}');
  });

  test('declaring interfaces regenerates the bindings and leaves the owned sources alone', () => {
    // WHEN
    synth(outdir, interfacesOf(SIGNALS));

    // THEN the owned sources are as `projen new` wrote them
    const ownedNow = ownedSources(outdir);
    expect(Object.fromEntries(Object.keys(owned).map(f => [f, ownedNow[f]]))).toEqual(owned);
    // AND the one owned file that needs signals, the local runtime's signal mock, appears with them
    expect(Object.keys(ownedNow).filter(f => !(f in owned))).toEqual(['app/mock.json']);
    expect(Object.keys(JSON.parse(ownedNow['app/mock.json']).signals)).toEqual(expect.arrayContaining(SIGNALS.map(s => s.path)));
    // AND the bindings name every signal and topic, read-only
    const base = path.join(outdir, 'app/src/generated/base.py');
    const text = fs.readFileSync(base, 'utf8');
    expect(text).not.toEqual(bareBase);
    for (const hook of ['on_position_changed', 'on_speed_changed', 'on_seatadjuster_set_position_request', 'on_seatadjuster_status_request']) {
      expect(text).toContain(`async def ${hook}(self, `);
    }
    for (const helper of ['set_position', 'set_mode', 'publish_seatadjuster_set_position_response', 'publish_seatadjuster_current_position']) {
      expect(text).toContain(`async def ${helper}(self, `);
    }
    // No write permission for anyone (projen's read-only files).
    expect((fs.statSync(base).mode % 0o1000).toString(8)).toMatch(/^[45][45][45]$/);
  });

  testWithTools(['python3'], '`npx projen test` makes the venv and runs the unit tests; they reach every declared signal and topic', () => {
    // WHEN
    const { status, output } = projen(outdir, ['test', '-rA']);

    // THEN pytest ran, with coverage, in the venv the task made from requirements-dev.txt
    expect({ status, output }).toEqual({ status: 0, output: expect.stringMatching(/=+ \d+ passed/) });
    expect(output).toMatch(/^TOTAL\s+\d+/m);
    expect(fs.existsSync(path.join(outdir, 'app/.venv/bin/python'))).toBe(true);
    const ids = passed(output);
    expect(ids.filter(id => id.startsWith('tests/unit/test_generated.py::')).length).toBeGreaterThan(5);
    // AND the owned logic, written before any interface existed, handles each of them
    const ownedTest = (name: string, ...parts: string[]) => ids.filter(id => id.startsWith(`tests/unit/test_app.py::${name}[`) && parts.every(p => id.includes(p)));
    for (const signal of SIGNALS.filter(s => s.access === READ)) expect([signal.path, ownedTest('test_announces_each_value_it_reads', signal.path)]).toEqual([signal.path, [expect.any(String)]]);
    for (const topic of READ_TOPICS) {
      expect([topic, ownedTest('test_answers_malformed_json_with_an_error', topic)]).toEqual([topic, [expect.any(String)]]);
      for (const signal of SIGNALS.filter(s => s.access === WRITE)) {
        expect([topic, signal.path, ownedTest('test_a_request_sets_each_written_signal', topic, signal.path)]).toEqual([topic, signal.path, [expect.any(String)]]);
      }
    }
    // AND every written topic is where the app answers a read topic or announces a value it read
    const python = path.join(outdir, 'app/.venv/bin/python');
    const roles = spawnSync(python, ['-c', 'import json; from generated.topics import RESPONSES, UPDATES; print(json.dumps([list(RESPONSES.values()), list(UPDATES)]))'],
      { cwd: path.join(outdir, 'app/src'), encoding: 'utf8' });
    const [responses, updates] = JSON.parse(roles.stdout) as string[][];
    expect(new Set([...responses, ...updates])).toEqual(new Set(WRITE_TOPICS));
    expect(updates.length === 0 || ownedTest('test_announces_each_value_it_reads').length > 0).toBe(true);
  }, 900_000);

  testWithTools(['python3', 'git'], '`npx projen build` lints with ruff, and .gitignore keeps out what the tools wrote', () => {
    // WHEN
    const lint = projen(outdir, ['lint']);

    // THEN
    expect({ status: lint.status, output: lint.output }).toEqual({ status: 0, output: expect.stringContaining('All checks passed!') });
    expect(lint.output).toMatch(/\d+ files already formatted/);
    const tasks = JSON.parse(fs.readFileSync(path.join(outdir, '.projen/tasks.json'), 'utf8')).tasks;
    expect(tasks['post-compile'].steps).toEqual([{ spawn: 'lint' }]);
    expect(tasks.build.steps.map((s: { spawn: string }) => s.spawn)).toEqual(['default', 'pre-compile', 'compile', 'post-compile', 'test', 'package']);
    // AND git, with the project's .gitignore, tracks none of the venv, caches and coverage data the run left
    // (bytecode as Python writes it where PYTHONDONTWRITEBYTECODE is unset)
    fs.mkdirSync(path.join(outdir, 'app/src/__pycache__'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'app/src/__pycache__/main.cpython-311.pyc'), '');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: outdir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    const tracked = git('ls-files').stdout.split('\n');
    for (const left of ['app/.venv/bin/python', 'app/.coverage', 'app/.pytest_cache', 'app/.ruff_cache']) {
      expect([left, fs.existsSync(path.join(outdir, left))]).toEqual([left, true]);
    }
    expect(tracked.filter(f => /(^|\/)(\.venv|__pycache__|\.pytest_cache|\.ruff_cache)\/|\.coverage$/.test(f))).toEqual([]);
    expect(tracked).toEqual(expect.arrayContaining(['app/src/main.py', 'app/src/generated/base.py']));
  }, 900_000);

  testWithTools(['python3'], 'removing a signal the owned code still handles fails the unit tests, naming the hook', () => {
    // GIVEN the developer handles the speed in a hook of its own
    const main = path.join(outdir, 'app/src/main.py');
    const source = fs.readFileSync(main, 'utf8');
    const handler = [
      '    async def on_speed_changed(self, value: float) -> None:',
      '        """Logs the speed."""',
      '        logger.info("Speed is %s", value)',
      '        await super().on_speed_changed(value)',
      '',
      '',
    ].join('\n');
    fs.writeFileSync(main, source.replace('    async def handle_request(', `${handler.trimEnd()}\n\n    async def handle_request(`));
    expect(projen(outdir, ['test']).status).toBe(0);

    // WHEN Vehicle.Speed leaves the interfaces: synth first names the signal mock's stale entry, which the developer removes
    const remaining = interfacesOf(SIGNALS.filter(s => s.path !== 'Vehicle.Speed'));
    expect(() => synth(outdir, remaining)).toThrow('app/mock.json signals["Vehicle.Speed"]');
    removeMockEntry(outdir, 'Vehicle.Speed');
    synth(outdir, remaining);
    const { status, output } = projen(outdir, ['test']);

    // THEN
    expect(status).not.toBe(0);
    expect(output).toContain('SeatAdjusterApp.on_speed_changed handles no signal or topic of the app');
    expect(output).toContain('Declare the signal or topic in the interfaces in .projenrc.ts');
  }, 900_000);
});
