import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
import { describeWithRuntimeImages, loadImage, mqttConnect, unusedPort } from '../support/runtime-images';
import { shellcheck, testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const SPEED = 'Vehicle.Speed';
const POSITION = 'Vehicle.Cabin.Seat.Row1.DriverSide.Position';
const MIRROR = 'Vehicle.Body.Mirrors.DriverSide.Pan';
const AUTONOMY = 'Vehicle.ADAS.ActiveAutonomyLevel';
const ABS = 'Vehicle.ADAS.ABS.IsEngaged';
const DTCS = 'Vehicle.OBD.DTCList';
const SEAT_APP: Partial<VehicleAppProjectOptions> = {
  interfaces: [
    AppInterface.vehicleSignals({
      required: [
        ...[SPEED, MIRROR, AUTONOMY].map(p => ({ path: p, access: DatapointAccess.READ })),
        { path: POSITION, access: DatapointAccess.WRITE },
      ],
    }),
    AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
  ],
};

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `local-runtime-${prefix}-`));
}

function project(options: Partial<VehicleAppProjectOptions> = {}, outdir = tmpDir('project')): VehicleAppProject {
  return new VehicleAppProject({ name: 'seat-adjuster', outdir, ...options });
}

/** A project written to disk, as `npx projen` writes it. */
function synthesized(options: Partial<VehicleAppProjectOptions> = {}): string {
  const p = project(options);
  p.synth();
  return p.outdir;
}

/** Synthesizes a project whose app/mock.json already holds `mock`; returns the error text, or '' when it synthesizes. */
function synthWithMock(mock: unknown): string {
  const outdir = tmpDir('mock');
  fs.mkdirSync(path.join(outdir, 'app'));
  fs.writeFileSync(path.join(outdir, 'app', 'mock.json'), typeof mock === 'string' ? mock : JSON.stringify(mock));
  try {
    Testing.synth(project(SEAT_APP, outdir));
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('local runtime (runtime:up / runtime:down)', () => {
  test('the tasks check their tools first, then run the generated scripts', () => {
    const tasks = Testing.synth(project(SEAT_APP))['.projen/tasks.json'].tasks;
    expect(tasks['runtime:up'].steps.map((s: any) => s.exec)).toEqual([
      "sh .projen/require-tools.sh 'runtime:up' 'docker|podman' 'bash' 'python3'",
      'bash local-runtime/up.sh',
    ]);
    expect(tasks['runtime:down'].steps.map((s: any) => s.exec)).toEqual([
      "sh .projen/require-tools.sh 'runtime:down' 'docker|podman' 'bash'",
      'bash local-runtime/down.sh',
    ]);
    // The Kubernetes loop runs the same check before its first command.
    for (const [task, tools] of Object.entries({ 'local:cluster': "'kind' 'docker'", 'local:deploy': "'docker' 'kind' 'helm'", 'local:test': "'helm' 'kubectl' 'bash'", 'local:down': "'kind'" })) {
      expect(tasks[task].steps[0].exec).toBe(`sh .projen/require-tools.sh '${task}' ${tools}`);
    }
  });

  test('a new project gets a mock of its read signals within their VSS ranges; actuators echo their target', () => {
    const out = Testing.synth(project(SEAT_APP));
    const mock = out['app/mock.json'];
    // VSS 4.0: Speed is a float sensor without range, the mirror an int8 actuator from -100 to 100, Position a uint16
    // actuator from 0, the autonomy level a string of allowed values.
    expect(mock.signals).toEqual({
      [SPEED]: { values: [0, 50, 100] },
      [MIRROR]: { values: [-100], echoTarget: true },
      [AUTONOMY]: { values: ['SAE_0', 'SAE_1', 'SAE_2_DISENGAGING'] },
      [POSITION]: { values: [0], echoTarget: true },
    });
    expect(mock.intervalSeconds).toBeGreaterThan(0);
    expect(out['local-runtime/requirements.txt']).toMatch(/^kuksa-client==\d+\.\d+\.\d+$/m);
    expect(out['.gitignore']).toContain('/local-runtime/.state/');
  });

  test('signals added after construction are in the mock (it is rendered when written)', () => {
    const p = project({ interfaces: [AppInterface.vehicleSignals({ required: [{ path: SPEED, access: DatapointAccess.READ }] })] });
    p.app.manifest.addInterface(AppInterface.vehicleSignals({ required: [{ path: POSITION, access: DatapointAccess.WRITE }] }));
    expect(Object.keys(Testing.synth(p)['app/mock.json'].signals)).toEqual([SPEED, POSITION]);
  });

  test.each([
    ['an unknown signal', { intervalSeconds: 1, signals: { 'Vehicle.Speeed': { values: [1] } } }, 'app/mock.json signals["Vehicle.Speeed"]: "Vehicle.Speeed" is not a signal the local databroker serves'],
    ['a value of the wrong datatype', { intervalSeconds: 1, signals: { [SPEED]: { values: [1, 'fast'] } } }, `app/mock.json signals["${SPEED}"].values[1]: "fast" is not a number, and ${SPEED} is float`],
    ['a value above max', { intervalSeconds: 1, signals: { [MIRROR]: { values: [0, 101] } } }, `app/mock.json signals["${MIRROR}"].values[1]: 101 is above ${MIRROR}'s max 100`],
    ['a value not allowed', { intervalSeconds: 1, signals: { [AUTONOMY]: { values: ['SAE_9'] } } }, `app/mock.json signals["${AUTONOMY}"].values[0]: "SAE_9" is not one of ${AUTONOMY}'s allowed values`],
    ['a fraction for an integer', { intervalSeconds: 1, signals: { [POSITION]: { values: [1.5] } } }, `app/mock.json signals["${POSITION}"].values[0]: 1.5 is not an integer from 0 to 65535`],
    ['a negative value for an unsigned integer', { intervalSeconds: 1, signals: { [POSITION]: { values: [-1] } } }, `app/mock.json signals["${POSITION}"].values[0]: -1 is not an integer from 0 to 65535`],
    ['echoTarget on a sensor', { intervalSeconds: 1, signals: { [SPEED]: { values: [1], echoTarget: true } } }, `app/mock.json signals["${SPEED}"].echoTarget: true is set on ${SPEED}, a sensor`],
    ['no values', { intervalSeconds: 1, signals: { [SPEED]: { values: [] } } }, `app/mock.json signals["${SPEED}"].values: [] is not a non-empty list of values`],
    ['a non-positive interval', { intervalSeconds: 0, signals: {} }, 'app/mock.json intervalSeconds: 0 is not a positive number of seconds'],
    ['broken JSON', '{ "signals": ', 'app/mock.json: "(its text)" is not JSON'],
  ])('a mock with %s is a problem naming the file and the entry', (_what, mock, expected) => {
    const message = synthWithMock(mock);
    expect(message).toContain(expected);
  });

  test('a read signal the mock leaves out is one warning with the entry to add', () => {
    const outdir = tmpDir('unmocked');
    fs.mkdirSync(path.join(outdir, 'app'));
    fs.writeFileSync(path.join(outdir, 'app', 'mock.json'), JSON.stringify({ intervalSeconds: 1, signals: { [SPEED]: { values: [0] } } }));
    const p = project(SEAT_APP, outdir);
    const warn = jest.spyOn(p.logger, 'warn');
    Testing.synth(p);
    const warnings = warn.mock.calls.map(c => c.join(' ')).filter(w => w.includes('mock.json'));
    expect(warnings).toEqual([expect.stringContaining('app/mock.json: the app reads 3 signal(s) the mock does not feed')]);
    expect(warnings[0]).toContain(`"${POSITION}": {"values":[0],"echoTarget":true}`);
  });

  test('a mock that fits the VSS file synthesizes', () => {
    expect(synthWithMock({ intervalSeconds: 0.5, signals: { [SPEED]: { values: [0, 12.5] }, [POSITION]: { values: [1000], echoTarget: true } } })).toBe('');
  });

  test('VS Code runs the app against the local runtime with the env contract\'s local addresses', () => {
    const out = Testing.synth(project(SEAT_APP));
    const [launch] = out['.vscode/launch.json'].configurations;
    expect(launch).toMatchObject({ type: 'debugpy', request: 'launch', program: '${workspaceFolder}/app/src/main.py', preLaunchTask: 'runtime:up' });
    expect(launch.env).toMatchObject({ SDV_VEHICLEDATABROKER_ADDRESS: 'grpc://localhost:55555', SDV_MQTT_ADDRESS: 'mqtt://localhost:1883' });
    expect(out['.vscode/tasks.json'].tasks.map((t: any) => [t.label, t.command])).toEqual([
      ['runtime:up', 'npx projen runtime:up'], ['runtime:down', 'npx projen runtime:down'],
    ]);
    const [cpp] = Testing.synth(project({ ...SEAT_APP, language: AppLanguage.CPP }))['.vscode/launch.json'].configurations;
    expect(cpp).toMatchObject({ type: 'cppdbg', program: '${workspaceFolder}/build/seat-adjuster', preLaunchTask: 'runtime:up' });
    expect(cpp.environment).toContainEqual({ name: 'SDV_VEHICLEDATABROKER_ADDRESS', value: 'grpc://localhost:55555' });
  });

  testWithTools(['shellcheck'], 'the scripts pass shellcheck and the feeder compiles', () => {
    const dir = synthesized(SEAT_APP);
    shellcheck(['local-runtime/up.sh', 'local-runtime/down.sh', '.projen/require-tools.sh'].map(f => path.join(dir, f)));
    const compiled = spawnSync('python3', ['-m', 'py_compile', path.join(dir, 'local-runtime', 'mock_feeder.py')], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  });

  test('without docker and podman, runtime:up says in one line what to install', () => {
    const dir = synthesized(SEAT_APP);
    // A PATH with node, npx, sh, bash and python3 only: projen runs, the container engines are not found.
    const bin = tmpDir('bin');
    for (const tool of ['node', 'npx', 'sh', 'bash', 'python3']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const projen = require.resolve('projen/bin/projen');
    const result = spawnSync(process.execPath, [projen, 'runtime:up'], { cwd: dir, encoding: 'utf8', env: { PATH: bin, HOME: process.env.HOME } });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.split('\n').filter(l => l.includes('runtime:up needs'));
    expect(lines).toEqual(['runtime:up needs docker or podman, not found on PATH. Install Docker (https://docs.docker.com/engine/install/) or Podman (https://podman.io/docs/installation).']);
    expect(result.stderr).not.toMatch(/command not found/);
  }, 60_000);
});

describeWithRuntimeImages('runtime:up and runtime:down with podman (the locally built images)', images => {
  test('the databroker serves the mock\'s values, echoes an actuator target, the broker accepts clients; down removes everything', async () => {
    const dir = synthesized({
      ...SEAT_APP,
      name: `rt-${process.pid}`,
      // A boolean and an array too: the feeder hands each datatype to the databroker as it takes it.
      interfaces: [
        ...SEAT_APP.interfaces!,
        AppInterface.vehicleSignals({ required: [ABS, DTCS].map(p => ({ path: p, access: DatapointAccess.READ })) }),
      ],
    });
    fs.writeFileSync(path.join(dir, 'app', 'mock.json'), JSON.stringify({
      intervalSeconds: 0.5,
      signals: {
        [SPEED]: { values: [42.5, 43.5] },
        [POSITION]: { values: [300], echoTarget: true },
        [ABS]: { values: [true] },
        [DTCS]: { values: [['P0101', 'U0155']] },
      },
    }));
    loadImage(images.databroker);
    loadImage(images.mqtt);
    const env = {
      ...process.env,
      // The images are in podman's storage (a docker CLI may be installed here without a daemon).
      CONTAINER_ENGINE: 'podman',
      RUNTIME_DATABROKER_IMAGE: images.databroker.ref,
      RUNTIME_MQTT_IMAGE: images.mqtt.ref,
      VDB_PORT: String(await unusedPort()),
      MQTT_PORT: String(await unusedPort()),
    };
    const run = (script: string) => spawnSync('bash', [script], { cwd: dir, env, encoding: 'utf8', timeout: 600_000 });
    const containers = () => spawnSync('podman', ['ps', '--all', '--format', '{{.Names}}', '--filter', `label=projen-velocitas.runtime=rt-${process.pid}`], { encoding: 'utf8' }).stdout.trim();
    try {
      const up = run('local-runtime/up.sh');
      expect(`${up.stdout}${up.stderr}`).toContain('runtime:up: ready');
      expect(up.status).toBe(0);
      expect(containers().split('\n').sort()).toEqual([`rt-${process.pid}-databroker`, `rt-${process.pid}-mqtt`]);
      expect(await mqttConnect(Number(env.MQTT_PORT))).toBe(0);

      // Read back with the feeder's client: Speed cycles through the mock's values; Position takes the target the app sets.
      const probe = [
        'import sys, time',
        'from kuksa_client.grpc import Datapoint, VSSClient',
        `with VSSClient("127.0.0.1", ${env.VDB_PORT}) as c:`,
        `    seen = {c.get_current_values(["${SPEED}"])["${SPEED}"].value for _ in range(8) if time.sleep(0.3) is None}`,
        '    print("speed", sorted(seen))',
        `    print("position", c.get_current_values(["${POSITION}"])["${POSITION}"].value)`,
        // An array comes back as its protobuf message.
        `    print("abs", c.get_current_values(["${ABS}"])["${ABS}"].value, "dtcs", list(c.get_current_values(["${DTCS}"])["${DTCS}"].value.values))`,
        `    c.set_target_values({"${POSITION}": Datapoint(750)})`,
        '    for _ in range(40):',
        `        if c.get_current_values(["${POSITION}"])["${POSITION}"].value == 750: break`,
        '        time.sleep(0.25)',
        `    print("echoed", c.get_current_values(["${POSITION}"])["${POSITION}"].value)`,
      ].join('\n');
      const read = spawnSync(path.join(dir, 'local-runtime', '.state', 'venv', 'bin', 'python'), ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
      expect(read.stderr).toBe('');
      expect(read.stdout.split('\n').filter(Boolean)).toEqual(['speed [42.5, 43.5]', 'position 300', "abs True dtcs ['P0101', 'U0155']", 'echoed 750']);
    } finally {
      const down = run('local-runtime/down.sh');
      expect(down.status).toBe(0);
    }
    expect(containers()).toBe('');
    expect(fs.existsSync(path.join(dir, 'local-runtime', '.state', 'feeder.pid'))).toBe(false);
  }, 600_000);
});
