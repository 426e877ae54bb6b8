import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http2 from 'http2';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { AppInterface, AppLanguage, DatapointAccess, VehicleAppProject } from '../../src';
import { listFiles } from '../support/examples';
import { seedProtos } from '../support/protos';
import { testWithTools } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const SEAT_ADJUSTER = [
  AppInterface.vehicleSignals({
    required: [
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.READ },
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Position', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Speed', access: DatapointAccess.READ },
    ],
  }),
  AppInterface.pubSub({
    reads: ['seatadjuster/setPosition/request'],
    writes: ['seatadjuster/setPosition/response', 'seatadjuster/currentPosition'],
  }),
];

const SPEED_MONITOR = [
  AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
  AppInterface.pubSub({ reads: ['speedmonitor/getSpeed'], writes: ['speedmonitor/getSpeed/response', 'speedmonitor/currentSpeed'] }),
];

// Like the speed-monitor example: publishes a signal it reads, takes no requests.
const SPEED_PUBLISHER = [
  AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
  AppInterface.pubSub({ writes: ['speedmonitor/currentSpeed'] }),
];

// Signals without MQTT.
const SPEED_READER = [AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })];

const GRPC_ONLY = [AppInterface.grpc({ src: 'https://example.com/seats.proto', requiredMethods: ['Move'] })];

// Signals of every kind of VSS datatype fact: double with a range, a string array, a string with allowed values (set on request), uint16, uint8.
const WIPER = [
  AppInterface.vehicleSignals({
    required: [
      { path: 'Vehicle.CurrentLocation.Latitude', access: DatapointAccess.READ },
      { path: 'Vehicle.VehicleIdentification.OptionalExtras', access: DatapointAccess.READ },
      { path: 'Vehicle.Body.Windshield.Front.Wiping.Mode', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Cabin.Seat.Row1.DriverSide.Height', access: DatapointAccess.WRITE },
      { path: 'Vehicle.Chassis.Accelerator.PedalPosition', access: DatapointAccess.READ },
    ],
  }),
  AppInterface.pubSub({ reads: ['wiper/setMode/request'], writes: ['wiper/setMode/response', 'wiper/currentLatitude'] }),
];

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `velocitas-samples-${prefix}-`));
}

function synth(name: string, language: AppLanguage, interfaces: AppInterface[], outdir = tmpDir(name)): string {
  seedProtos(outdir, interfaces);
  new VehicleAppProject({ name, language, outdir, interfaces, description: 'Sample under test.' }).synth();
  return outdir;
}

/** The heartbeat check the chart's probes run in the image, with its program replaced by a local one. */
function heartbeatCheck(name: string, language: AppLanguage, program: string): string[] {
  const project = new VehicleAppProject({ name, language, outdir: tmpDir(`${name}-check`), sampleCode: false });
  const [, ...args] = project.containerBuild.heartbeatCheck;
  return [program, ...args];
}

/** Starts the app, waits until the heartbeat check passes, stops it with SIGTERM; the check's status at each step. */
async function heartbeatAcrossRun(app: string[], check: string[], cwd: string, startTimeoutMs: number) {
  const file = path.join(tmpDir('heartbeat'), 'heartbeat');
  const env = { ...process.env, APP_HEARTBEAT_FILE: file };
  const status = () => spawnSync(check[0], check.slice(1), { env, timeout: 10_000 }).status;
  const before = status();
  const child = spawn(app[0], app.slice(1), { cwd, env, stdio: 'ignore' });
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  let running = status();
  for (const start = Date.now(); running !== 0 && Date.now() - start < startTimeoutMs; running = status()) {
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  const code = await exited;
  return { before, running, after: status(), code };
}

/** Runs a command and returns its output; throws with the whole output when it fails. */
function run(command: string, args: string[], cwd: string, timeoutMs = 600_000, env: { [name: string]: string } = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.error?.message ?? `status ${result.status}`}:\n${output}`);
  }
  return output;
}

describe('sample sources', () => {
  test('a Python app gets the SDK app, its logic, tests and pinned requirements', () => {
    // GIVEN
    const project = new VehicleAppProject({ name: 'seat-adjuster', outdir: tmpDir('py'), interfaces: SEAT_ADJUSTER });

    // WHEN
    const files = Testing.synth(project);

    // THEN
    for (const file of ['requirements.txt', 'requirements-dev.txt', 'pytest.ini', 'ruff.toml', 'src/main.py', 'src/logic.py', 'src/heartbeat.py',
      'src/startup.py', 'tests/unit/test_app.py', 'tests/unit/test_logic.py', 'tests/unit/test_heartbeat.py', 'tests/unit/test_startup.py',
      'tests/integration/test_integration.py', 'src/generated/vehicle.py', 'src/generated/signals.py', 'src/generated/topics.py',
      'src/generated/services.py', 'src/generated/base.py', 'tests/unit/test_generated.py']) {
      expect(files[`app/${file}`]).toEqual(expect.any(String));
    }
    const requirements = (files['app/requirements.txt'] as string).split('\n').filter(l => l && !l.startsWith('#'));
    expect(requirements).toContain('velocitas-sdk==0.15.7');
    expect(requirements.filter(l => !/^[A-Za-z0-9._-]+==[0-9][^\s]*$/.test(l))).toEqual([]);
    const dev = (files['app/requirements-dev.txt'] as string).split('\n').filter(l => l && !l.startsWith('#'));
    expect(dev).toEqual(['-r requirements.txt', expect.stringMatching(/^pytest==/), expect.stringMatching(/^pytest-asyncio==/), expect.stringMatching(/^pytest-cov==/), expect.stringMatching(/^ruff==/)]);

    const main = files['app/src/main.py'] as string;
    expect(main).toMatch(/^# SPDX-License-Identifier: Apache-2\.0\n/);
    expect(main).toContain('class SeatAdjusterApp(SeatAdjusterAppBase):');
    expect(main).toContain('if __name__ == "__main__":');
    // The heartbeat (the pod's readiness) starts once the services answered.
    expect(main.indexOf('await wait_for_services(app.middleware.service_locator, names)')).toBeGreaterThan(0);
    expect(main.indexOf('beating = asyncio.create_task(beat())')).toBeGreaterThan(main.indexOf('await wait_for_services('));
    // The bindings: regenerated, read-only, marked.
    const generated = (file: string) => files[`app/src/generated/${file}`] as string;
    for (const file of ['vehicle.py', 'signals.py', 'topics.py', 'services.py', 'base.py']) expect(generated(file)).toMatch(/^# ~~ Generated by projen/);
    expect(generated('topics.py')).toContain('SEATADJUSTER_SET_POSITION_REQUEST = "seatadjuster/setPosition/request"');
    expect(generated('topics.py')).toContain('RESPONSES: dict[str, str] = {SEATADJUSTER_SET_POSITION_REQUEST: SEATADJUSTER_SET_POSITION_RESPONSE}');
    expect(generated('topics.py')).toContain('UPDATES: tuple[str, ...] = (SEATADJUSTER_CURRENT_POSITION,)');
    expect(generated('base.py')).toContain('await self.vehicle.Cabin.Seat.Row1.DriverSide.Position.subscribe(self._position_changed)');
    expect(generated('base.py')).toContain('async def on_speed_changed(self, value: float) -> None:');
    expect(generated('base.py')).toContain('async def set_position(self, value: int) -> None:');
    expect(generated('base.py')).toContain('async def publish_seatadjuster_current_position(self, payload: str) -> None:');
    expect(generated('signals.py')).toContain('POSITION = Signal("Vehicle.Cabin.Seat.Row1.DriverSide.Position", "position", "uint16", unit="mm", minimum=0, example=42)');
    expect(generated('services.py')).toContain('STARTUP_SERVICES: tuple[Service, ...] = (VEHICLEDATABROKER, MQTT)');
    expect(generated('vehicle.py')).toContain('self.Position = DataPointUint16("Position", self)');
    expect(generated('vehicle.py')).toContain('self.Speed = DataPointFloat("Speed", self)');
  });

  test('an app without signals has no vehicle model and runs without MQTT', () => {
    // GIVEN
    const project = new VehicleAppProject({ name: 'plain', outdir: tmpDir('plain') });

    // WHEN
    const files = Testing.synth(project);

    // THEN
    expect(files['app/src/generated/vehicle.py']).toBeUndefined();
    const base = files['app/src/generated/base.py'] as string;
    expect(base).toContain('async def run(self) -> None:');
    expect(base).not.toContain('subscribe_topic');
    expect(files['app/src/generated/services.py']).toContain('SERVICES: tuple[Service, ...] = ()');
  });

  test('required gRPC services are located through their SDV_*_ADDRESS variable', () => {
    // GIVEN
    const pyDir = tmpDir('grpc-py');
    seedProtos(pyDir, GRPC_ONLY);
    const python = new VehicleAppProject({ name: 'mover', outdir: pyDir, interfaces: GRPC_ONLY });
    const cpp = new VehicleAppProject({ name: 'mover', language: AppLanguage.CPP, outdir: tmpDir('grpc-cpp'), interfaces: GRPC_ONLY });

    // WHEN
    const pyFiles = Testing.synth(python);
    const cppFiles = Testing.synth(cpp);

    // THEN
    expect(pyFiles['app/src/generated/services.py']).toContain('SEATS = Service("seats", "SDV_SEATS_ADDRESS", "grpc://localhost:50051")');
    expect(pyFiles['app/src/generated/services.py']).toContain('SERVICES: tuple[Service, ...] = (SEATS,)');
    expect(cppFiles['app/src/generated/services.hpp']).toContain('Service{"seats", "SDV_SEATS_ADDRESS", "grpc://localhost:50051"}');
  });

  test('a C++ app gets a CMake project with a static option, an install rule and a test', () => {
    // GIVEN
    const project = new VehicleAppProject({ name: 'seat-adjuster', language: AppLanguage.CPP, outdir: tmpDir('cpp'), interfaces: SEAT_ADJUSTER });

    // WHEN
    const files = Testing.synth(project);

    // THEN
    const cmake = files['app/CMakeLists.txt'] as string;
    expect(cmake).toContain('set(CMAKE_CXX_STANDARD 17)');
    expect(cmake).toContain('option(APP_STATIC');
    expect(cmake).toContain('add_executable(seat-adjuster src/main.cpp)');
    expect(cmake).toContain('install(TARGETS seat-adjuster RUNTIME DESTINATION bin)');
    expect(cmake).toMatch(/add_test\(NAME \w+ COMMAND \w+\)/);
    expect(files['app/src/generated/vehicle_model.hpp']).toContain('"Vehicle.Cabin.Seat.Row1.DriverSide.Position"');
    expect(files['app/requirements.txt']).toBeUndefined();
  });

  test('sample files are written once: a user edit survives the next synth', () => {
    // GIVEN
    const outdir = synth('seat-adjuster', AppLanguage.PYTHON, SEAT_ADJUSTER);
    const main = path.join(outdir, 'app', 'src', 'main.py');
    expect(fs.readFileSync(main, 'utf8')).not.toContain('~~ Generated by projen');
    fs.writeFileSync(main, '# my app\n');
    fs.rmSync(path.join(outdir, 'app', 'tests', 'unit', 'test_logic.py'));

    // WHEN
    synth('seat-adjuster', AppLanguage.PYTHON, SEAT_ADJUSTER, outdir);

    // THEN
    expect(fs.readFileSync(main, 'utf8')).toBe('# my app\n');
    // A sample file the user deleted comes back; one the user kept is left alone.
    expect(fs.existsSync(path.join(outdir, 'app', 'tests', 'unit', 'test_logic.py'))).toBe(true);
  });
});

describe('the Python sample runs', () => {
  // One venv per test run: every sample pins the same requirements.
  let venv: string | undefined;
  const python = () => {
    if (!venv) {
      const dir = tmpDir('venv');
      const requirements = synth('venv-source', AppLanguage.PYTHON, []);
      run('python3', ['-m', 'venv', dir], os.tmpdir());
      run(path.join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '-r', 'requirements-dev.txt'], path.join(requirements, 'app'));
      venv = dir;
    }
    return path.join(venv, 'bin', 'python');
  };
  afterAll(() => {
    if (venv) fs.rmSync(venv, { recursive: true, force: true });
  });

  const manifests: Array<[string, AppInterface[]]> = [
    ['seat-adjuster', SEAT_ADJUSTER],
    ['speed-monitor', SPEED_MONITOR],
    ['wiper', WIPER],
    ['grpc-client', GRPC_ONLY],
    ['no-interfaces', []],
    ['speed-publisher', SPEED_PUBLISHER],
    ['speed-reader', SPEED_READER],
  ];
  for (const [name, interfaces] of manifests) {
    testWithTools(['python3'], `${name}: every file compiles and the unit tests pass`, () => {
      // GIVEN
      const appDir = path.join(synth(name, AppLanguage.PYTHON, interfaces), 'app');
      const sources = listFiles(appDir).filter(f => f.endsWith('.py'));

      // WHEN
      run(python(), ['-m', 'py_compile', ...sources], appDir);
      // `npx projen build` and CI lint with ruff from requirements-dev.txt; the sample must pass it as written.
      run(python(), ['-m', 'ruff', 'format', '--check', '--no-cache', '.'], appDir);
      run(python(), ['-m', 'ruff', 'check', '--no-cache', '.'], appDir);
      // The gRPC stubs, as `npx projen test` makes them first (after the lint: they are git-ignored, and this folder is no repository).
      if (fs.existsSync(path.join(appDir, 'scripts', 'generate-grpc.sh'))) {
        run(python(), ['-m', 'pip', 'install', '-q', '-r', 'requirements-grpc.txt'], appDir);
        run('sh', ['scripts/generate-grpc.sh'], appDir, 120_000, { PYTHON: python() });
      }
      const output = run(python(), ['-m', 'pytest', 'tests/unit', '-q', '-p', 'no:cacheprovider'], appDir);

      // THEN
      expect(sources).toEqual(expect.arrayContaining(['src/main.py', 'src/logic.py', 'tests/unit/test_app.py']));
      const passed = Number(/(\d+) passed/.exec(output)?.[1] ?? 0);
      expect(passed).toBeGreaterThan(20);
      expect(output).not.toMatch(/\d+ (failed|errors?)\b/);
    }, 900_000);
  }

  testWithTools(['python3'], 'the app starts from src/main.py and exits 0 on SIGTERM', () => {
    // GIVEN: an app that needs no runtime service, so its integration test can run anywhere
    const appDir = path.join(synth('standalone', AppLanguage.PYTHON, []), 'app');

    // WHEN
    const output = run(python(), ['-m', 'pytest', 'tests/integration', '-q', '-rA', '-p', 'no:cacheprovider'], appDir);

    // THEN
    expect(output).toMatch(/PASSED tests\/integration\/test_integration\.py::test_app_starts_and_stops_on_sigterm/);
  }, 900_000);

  testWithTools(['python3'], 'the running app keeps the heartbeat fresh for the probes\' check, and removes it when stopped', async () => {
    // GIVEN
    const appDir = path.join(synth('standalone', AppLanguage.PYTHON, []), 'app');
    const check = heartbeatCheck('standalone', AppLanguage.PYTHON, python());

    // WHEN
    const result = await heartbeatAcrossRun([python(), 'src/main.py'], check, appDir, 60_000);

    // THEN
    expect(result).toEqual({ before: 1, running: 0, after: 1, code: 0 });
  }, 900_000);

  testWithTools(['python3'], 'the app waits for a databroker and an MQTT broker that start after it, and then connects (no exit, no restart)', async () => {
    // GIVEN the seat adjuster started while nothing listens at its SDV_* addresses
    const appDir = path.join(synth('seat-adjuster', AppLanguage.PYTHON, SEAT_ADJUSTER), 'app');
    const [mqttPort, databrokerPort] = [await unusedPort(), await unusedPort()];
    const heartbeat = path.join(tmpDir('heartbeat'), 'heartbeat');
    const app = spawn(python(), ['-u', 'src/main.py'], {
      cwd: appDir,
      env: {
        ...process.env,
        LOGLEVEL: 'INFO',
        APP_HEARTBEAT_FILE: heartbeat,
        SDV_MQTT_ADDRESS: `mqtt://127.0.0.1:${mqttPort}`,
        SDV_VEHICLEDATABROKER_ADDRESS: `grpc://127.0.0.1:${databrokerPort}`,
      },
    });
    let output = '';
    app.stdout.on('data', d => (output += d));
    app.stderr.on('data', d => (output += d));
    const exited = new Promise<number | null>(resolve => app.on('exit', code => resolve(code)));
    const services: Array<{ close: () => void }> = [];
    try {
      await new Promise(resolve => setTimeout(resolve, 4_000));
      expect([app.exitCode, fs.existsSync(heartbeat)]).toEqual([null, false]);

      // WHEN the services come up after the app
      services.push(await http2Server(databrokerPort));
      const mqtt = await mqttServer(mqttPort);
      services.push(mqtt);
      const connected = () => fs.existsSync(heartbeat) && mqtt.connects() > 0;
      for (const start = Date.now(); !connected() && Date.now() - start < 30_000;) {
        await new Promise(resolve => setTimeout(resolve, 200));
      }

      // THEN it connected and runs: its heartbeat (which the probes check) starts only now
      expect(app.exitCode).toBeNull();
      expect(mqtt.connects()).toBeGreaterThan(0);
      expect(fs.existsSync(heartbeat)).toBe(true);
      expect(output).toContain(`Waiting for vehicledatabroker at grpc://127.0.0.1:${databrokerPort}`);
      expect(output).toContain(`vehicledatabroker at grpc://127.0.0.1:${databrokerPort} answers`);
    } finally {
      app.kill('SIGTERM');
      const code = await exited;
      services.forEach(service => service.close());
      expect([code, output]).toEqual([0, expect.stringContaining('Stopping')]);
    }
  }, 900_000);

  testWithTools(['python3'], 'integration tests are skipped, not failed, when the services are absent', () => {
    // GIVEN
    const appDir = path.join(synth('seat-adjuster', AppLanguage.PYTHON, SEAT_ADJUSTER), 'app');

    // WHEN: nothing listens on these ports
    const result = spawnSync(python(), ['-m', 'pytest', 'tests/integration', '-q', '-rs', '-p', 'no:cacheprovider'], {
      cwd: appDir, encoding: 'utf8', env: { ...process.env, VDB_PORT: '1', MQTT_PORT: '1' },
    });

    // THEN
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^6 skipped/m);
    expect(result.stdout).toContain('no MQTT broker at localhost:1');

    // AND where the services must answer (CI sets INTEGRATION_REQUIRED=1), the same run fails
    const required = spawnSync(python(), ['-m', 'pytest', 'tests/integration', '-q', '-p', 'no:cacheprovider'], {
      cwd: appDir, encoding: 'utf8', env: { ...process.env, VDB_PORT: '1', MQTT_PORT: '1', INTEGRATION_REQUIRED: '1' }, timeout: 300_000,
    });
    expect(required.status).toBe(1);
    expect(required.stdout).toMatch(/^6 failed/m);
  }, 900_000);
});

describe('the C++ sample builds', () => {
  testWithTools(['cmake', 'c++'], 'cmake configure, build and ctest pass; the static binary stops on SIGTERM', async () => {
    // GIVEN
    const appDir = path.join(synth('seat-adjuster', AppLanguage.CPP, SEAT_ADJUSTER), 'app');
    const build = tmpDir('cpp-build');

    // WHEN
    run('cmake', ['-S', appDir, '-B', build, '-DAPP_STATIC=ON', '-DCMAKE_CXX_FLAGS=-Werror'], appDir);
    run('cmake', ['--build', build, '--parallel', '2'], appDir);
    const tests = run('ctest', ['--test-dir', build, '--output-on-failure'], appDir);
    const prefix = tmpDir('cpp-install');
    run('cmake', ['--install', build, '--prefix', prefix], appDir);

    // THEN
    expect(tests).toMatch(/100% tests passed, 0 tests failed out of [1-9]/);
    const binary = path.join(prefix, 'bin', 'seat-adjuster');
    expect(fs.existsSync(binary)).toBe(true);
    const { code, output } = await runToEnd(binary, { SDV_MQTT_ADDRESS: 'mqtt://broker:1884', LOGLEVEL: 'info' }, 500);
    expect(code).toBe(0);
    expect(output).toContain('mqtt at mqtt://broker:1884');
    expect(output).toContain('vehicledatabroker at grpc://localhost:55555');
    expect(output).toContain('Stopping');
    // The probes' check, as the chart runs it, fails until the app beats and again once it stopped.
    const check = heartbeatCheck('seat-adjuster', AppLanguage.CPP, binary);
    expect(check.slice(1)).toEqual(['--check-heartbeat', '30']);
    expect(await heartbeatAcrossRun([binary], check, prefix, 10_000)).toEqual({ before: 1, running: 0, after: 1, code: 0 });
    expect(tests).toContain('heartbeat_test');
  }, 600_000);

  testWithTools(['cmake', 'c++'], 'the C++ integration test checks each runtime service in its protocol, and is skipped without them', async () => {
    // GIVEN the seat adjuster's integration test, and stand-ins for the databroker (HTTP/2) and the MQTT broker
    const appDir = path.join(synth('seat-adjuster', AppLanguage.CPP, SEAT_ADJUSTER), 'app');
    const build = tmpDir('cpp-build');
    run('cmake', ['-S', appDir, '-B', build, '-DCMAKE_CXX_FLAGS=-Werror'], appDir);
    run('cmake', ['--build', build, '--parallel', '2', '--target', 'integration_test'], appDir);
    const test = path.join(build, 'integration_test');
    const grpc = await http2Server();
    const mqtt = await mqttServer();
    try {
      // WHEN / THEN the services answer at the SDV_* addresses, the ports moved as a port-forward does
      const env = { SDV_VEHICLEDATABROKER_ADDRESS: 'grpc://127.0.0.1:55555', SDV_MQTT_ADDRESS: 'mqtt://127.0.0.1:1883' };
      const passed = await runToEnd(test, { ...env, VDB_PORT: String(grpc.port), MQTT_PORT: String(mqtt.port) });
      expect(passed.output).toContain(`PASS vehicledatabroker at 127.0.0.1:${grpc.port} speaks HTTP/2 (gRPC)`);
      expect(passed.output).toContain(`PASS mqtt at 127.0.0.1:${mqtt.port} accepts an MQTT session`);
      expect(passed.code).toBe(0);
      // AND a service that speaks the wrong protocol fails the test
      const swapped = await runToEnd(test, { ...env, VDB_PORT: String(mqtt.port), MQTT_PORT: String(grpc.port) });
      expect(swapped.output).toContain('FAIL vehicledatabroker');
      expect(swapped.code).toBe(1);
      // AND one service missing while the other answers is an incomplete deployment
      const half = await runToEnd(test, { ...env, VDB_PORT: String(grpc.port), MQTT_PORT: '1' });
      expect(half.output).toContain('nothing listens at 127.0.0.1:1');
      expect(half.code).toBe(1);
    } finally {
      grpc.close();
      mqtt.close();
    }
    // AND without any service it is skipped (77), which ctest reports as not run, not failed
    const skipped = await runToEnd(test, { VDB_PORT: '1', MQTT_PORT: '1' });
    expect(skipped.code).toBe(77);
    // AND where the services must answer (CI), their absence fails
    const required = await runToEnd(test, { VDB_PORT: '1', MQTT_PORT: '1', INTEGRATION_REQUIRED: '1' });
    expect([required.code, required.output]).toEqual([1, expect.stringContaining('FAIL INTEGRATION_REQUIRED=1, and a runtime service does not answer')]);
    const ctest = run('ctest', ['--test-dir', build, '-L', 'integration', '--output-on-failure'], appDir, 600_000, { VDB_PORT: '1', MQTT_PORT: '1' });
    expect(ctest).toMatch(/integration_test \(Skipped\)/);
  }, 600_000);

  testWithTools(['cmake', 'c++'], 'the C++ app knows each signal\'s VSS facts (type, datatype, unit, range, allowed values)', async () => {
    // GIVEN
    const appDir = path.join(synth('wiper', AppLanguage.CPP, WIPER), 'app');
    const build = tmpDir('cpp-build');
    run('cmake', ['-S', appDir, '-B', build, '-DBUILD_TESTING=OFF', '-DCMAKE_CXX_FLAGS=-Werror'], appDir);
    run('cmake', ['--build', build, '--parallel', '2'], appDir);

    // WHEN
    const { output } = await runToEnd(path.join(build, 'wiper'), { LOGLEVEL: 'debug' }, 500);

    // THEN
    expect(output).toContain('uses sensor Vehicle.CurrentLocation.Latitude (double, degrees)');
    expect(output).toContain('uses attribute Vehicle.VehicleIdentification.OptionalExtras (string[])');
    expect(output).toContain('uses actuator Vehicle.Body.Windshield.Front.Wiping.Mode (string)');
    expect(output).toContain('uses actuator Vehicle.Cabin.Seat.Row1.DriverSide.Height (uint16, mm)');
    expect(output).toContain('uses sensor Vehicle.Chassis.Accelerator.PedalPosition (uint8, percent)');
  }, 600_000);

  testWithTools(['cmake', 'c++'], 'a bad SDV address stops the C++ app with the variable named', () => {
    // GIVEN
    const appDir = path.join(synth('no-signals', AppLanguage.CPP, GRPC_ONLY), 'app');
    const build = tmpDir('cpp-build');
    run('cmake', ['-S', appDir, '-B', build, '-DBUILD_TESTING=OFF'], appDir);
    run('cmake', ['--build', build, '--parallel', '2'], appDir);

    // WHEN
    const result = spawnSync(path.join(build, 'no-signals'), [], { encoding: 'utf8', env: { ...process.env, SDV_SEATS_ADDRESS: 'seats' }, timeout: 10_000 });

    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('SDV_SEATS_ADDRESS="seats" is not a service address');
  }, 600_000);
});

/**
 * Runs a binary without blocking the event loop (stand-in servers in this process answer meanwhile), to its
 * end or, with `sigtermAfterMs`, until it is sent SIGTERM then.
 */
function runToEnd(binary: string, env: { [name: string]: string }, sigtermAfterMs?: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('exit', code => resolve({ code, output }));
    if (sigtermAfterMs !== undefined) setTimeout(() => child.kill('SIGTERM'), sigtermAfterMs);
  });
}

/** A port nothing listens on (yet). */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(r => server.close(r));
  return port;
}

/** A local h2c server (Node's HTTP/2), standing in for the databroker's gRPC endpoint. */
async function http2Server(port = 0): Promise<{ port: number; close: () => void }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', session => sessions.add(session));
  await new Promise<void>(r => server.listen(port, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => { sessions.forEach(s => s.destroy()); server.close(); } };
}

/** A stand-in MQTT broker: answers a well-formed MQTT 3.1.1 CONNECT with CONNACK (accepted), anything else by closing. */
async function mqttServer(port = 0): Promise<{ port: number; close: () => void; connects: () => number }> {
  let connects = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', (data: Buffer) => {
      const wellFormed = data[0] === 0x10 && data.subarray(2, 8).toString('latin1') === '\u0000\u0004MQTT' && data[8] === 4;
      if (wellFormed) {
        connects++;
        socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      } else {
        socket.destroy();
      }
    });
  });
  await new Promise<void>(r => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => { sockets.forEach(s => s.destroy()); server.close(); },
    connects: () => connects,
  };
}

