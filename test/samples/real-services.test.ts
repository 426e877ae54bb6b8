import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { synthesizeExample } from '../support/examples';
import { Container, describeWithRuntimeImages, RuntimeImage, runContainer, unusedPort, waitForPort } from '../support/runtime-images';
import { testWithTools } from '../validators/tools';

/**
 * The examples' generated apps and integration tests against the real KUKSA databroker and Mosquitto (the
 * images of scripts/runtime-images/build.sh, run with podman as their charts run them), without Kubernetes.
 */

const POSITION = ['Vehicle', 'Cabin', 'Seat', 'Row1', 'DriverSide', 'Position'];

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `real-services-${prefix}-`));
}

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }) {
  const result = spawnSync(command, args, {
    cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...options.env },
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}` };
}

function runOrThrow(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): string {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.output}`);
  return result.output;
}

/** The runtime services of a synthesized project, started from its subcharts' values and files. */
class RuntimeServices {
  private readonly containers: Container[] = [];

  public constructor(private readonly chartDir: string, private readonly images: Record<'databroker' | 'mqtt', RuntimeImage>) {}

  private values(chart: string): any {
    return parse(fs.readFileSync(path.join(this.chartDir, 'charts', chart, 'values.yaml'), 'utf8'));
  }

  /** The VSS file the chart deploys. */
  public get vssFile(): string {
    return path.join(this.chartDir, 'charts', 'databroker', 'files', 'vss.json');
  }

  /** The databroker with the chart's args and environment, serving `vssFile` on 127.0.0.1:hostPort. */
  public async startDatabroker(hostPort: number, vssFile = this.vssFile): Promise<Container> {
    const chart = this.values('databroker');
    const container = runContainer(this.images.databroker, {
      ports: [chart.service.port],
      hostPorts: { [chart.service.port]: hostPort },
      env: chart.env,
      mounts: { [vssFile]: chart.env.KUKSA_DATABROKER_METADATA_FILE },
      args: chart.args,
    });
    this.containers.push(container);
    await waitForPort(hostPort);
    return container;
  }

  /** Mosquitto with the chart's config, on 127.0.0.1:hostPort. */
  public async startMqtt(hostPort: number): Promise<Container> {
    const chart = this.values('mqtt');
    const config = path.join(tmpDir('mosquitto'), 'mosquitto.conf');
    fs.writeFileSync(config, chart.config, { mode: 0o644 });
    const container = runContainer(this.images.mqtt, {
      ports: [chart.service.port],
      hostPorts: { [chart.service.port]: hostPort },
      mounts: { [config]: '/mosquitto/config/mosquitto.conf' },
    });
    this.containers.push(container);
    await waitForPort(hostPort);
    return container;
  }

  public stop(container: Container): void {
    container.stop();
    this.containers.splice(this.containers.indexOf(container), 1);
  }

  public stopAll(): void {
    this.containers.splice(0).forEach(c => c.stop());
  }

  /** Logs of the running containers, for a failure message. */
  public logs(): string {
    return this.containers.map(c => `--- ${c.name}\n${c.logs()}`).join('\n');
  }
}

function chartDirOf(projectDir: string): string {
  const helm = path.join(projectDir, 'deploy', 'helm');
  const [chart] = fs.readdirSync(helm).filter(name => fs.existsSync(path.join(helm, name, 'charts', 'databroker')));
  return path.join(helm, chart);
}

/** A copy of a VSS file with one signal's datatype changed. */
function retypedVss(vssFile: string, signal: string[], datatype: string): string {
  const tree = JSON.parse(fs.readFileSync(vssFile, 'utf8'));
  let node = tree[signal[0]];
  for (const name of signal.slice(1)) node = node.children[name];
  node.datatype = datatype;
  const file = path.join(tmpDir('vss'), 'vss.json');
  fs.writeFileSync(file, JSON.stringify(tree), { mode: 0o644 });
  return file;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describeWithRuntimeImages('the examples against the real databroker and MQTT broker (podman, no Kubernetes)', images => {
  let services: RuntimeServices | undefined;
  let app: ChildProcess | undefined;
  afterEach(() => {
    app?.kill('SIGKILL');
    services?.stopAll();
  });

  /**
   * Synthesizes a Python example, installs its requirements in a venv, starts its app while nothing
   * answers at its SDV_* addresses, then starts the services and waits until the app beats.
   */
  async function startPythonExample(example: string) {
    const projectDir = synthesizeExample(example);
    const appDir = path.join(projectDir, 'app');
    const runtime = new RuntimeServices(chartDirOf(projectDir), images);
    services = runtime;
    const venv = tmpDir('venv');
    runOrThrow('python3', ['-m', 'venv', venv], { cwd: appDir });
    const python = path.join(venv, 'bin', 'python');
    runOrThrow(python, ['-m', 'pip', 'install', '-q', '-r', 'requirements-dev.txt'], { cwd: appDir, timeoutMs: 900_000 });
    const [databrokerPort, mqttPort] = [await unusedPort(), await unusedPort()];
    const heartbeat = path.join(tmpDir('heartbeat'), 'heartbeat');
    const env = {
      SDV_MIDDLEWARE_TYPE: 'native',
      SDV_VEHICLEDATABROKER_ADDRESS: `grpc://127.0.0.1:${databrokerPort}`,
      SDV_MQTT_ADDRESS: `mqtt://127.0.0.1:${mqttPort}`,
      LOGLEVEL: 'INFO',
    };
    let log = '';
    const started = spawn(python, ['-u', 'src/main.py'], { cwd: appDir, env: { ...process.env, ...env, APP_HEARTBEAT_FILE: heartbeat } });
    app = started;
    started.stdout!.on('data', d => (log += d));
    started.stderr!.on('data', d => (log += d));
    const exited = new Promise<number | null>(resolve => started.on('exit', code => resolve(code)));
    await new Promise(resolve => setTimeout(resolve, 3_000));
    expect([started.exitCode, log]).toEqual([null, expect.stringContaining('Waiting for vehicledatabroker')]);

    const databroker = await runtime.startDatabroker(databrokerPort);
    await runtime.startMqtt(mqttPort);
    await waitFor(() => fs.existsSync(heartbeat) || started.exitCode !== null, 60_000, `${example}: the app's heartbeat`);
    return {
      runtime,
      databroker,
      databrokerPort,
      started,
      /** Its integration tests, where the services must answer. */
      integrationTests: () => run(python, ['-m', 'pytest', 'tests/integration', '-rA', '-p', 'no:cacheprovider'], {
        cwd: appDir, env: { ...env, INTEGRATION_REQUIRED: '1' }, timeoutMs: 600_000,
      }),
      /** What went on, for a failure message. */
      context: () => `--- app\n${log}\n${runtime.logs()}`,
      /** Stops the app with SIGTERM; its exit code. */
      stop: async () => {
        started.kill('SIGTERM');
        return exited;
      },
    };
  }

  testWithTools(['python3'], 'seat adjuster: the app outlives services that start after it, its integration tests pass, and fail with a VSS file that types the seat position as float', async () => {
    // GIVEN the example's app, started before the databroker (with the chart's VSS file) and the broker
    const example = await startPythonExample('seat-adjuster');

    // WHEN
    const passing = example.integrationTests();

    // THEN every test passed, among them the seat's round trip and a uint16 set and read back
    expect([passing.status, `${passing.output}\n${example.context()}`]).toEqual([0, expect.stringMatching(/ 6 passed /)]);
    for (const name of ['test_databroker_serves_position_as_uint16', 'test_sets_and_reads_back_position', 'test_app_publishes_each_new_position',
      'test_a_request_moves_position_and_the_app_reports_it']) {
      expect(passing.output).toContain(`PASSED tests/integration/test_integration.py::${name}`);
    }

    // AND WHEN the databroker restarts with a VSS file that types the seat position as float
    example.runtime.stop(example.databroker);
    await example.runtime.startDatabroker(example.databrokerPort, retypedVss(example.runtime.vssFile, POSITION, 'float'));
    await new Promise(resolve => setTimeout(resolve, 4_000)); // the SDK resubscribes every 2.5 s
    const failing = example.integrationTests();

    // THEN the tests that need an integer fail, the one reading Vehicle.Speed still passes
    expect(failing.status).toBe(1);
    for (const name of ['test_databroker_serves_position_as_uint16', 'test_sets_and_reads_back_position', 'test_a_request_moves_position_and_the_app_reports_it']) {
      expect(failing.output).toContain(`FAILED tests/integration/test_integration.py::${name}`);
    }
    expect(failing.output).toContain('PASSED tests/integration/test_integration.py::test_databroker_serves_speed_as_float');

    // AND the app ran through all of it: never exited, stops cleanly
    expect(example.started.exitCode).toBeNull();
    expect(await example.stop()).toBe(0);
  }, 1_800_000);

  testWithTools(['python3'], 'speed monitor: the app outlives services that start after it and its integration tests pass', async () => {
    // GIVEN
    const example = await startPythonExample('speed-monitor');

    // WHEN
    const result = example.integrationTests();

    // THEN
    expect([result.status, `${result.output}\n${example.context()}`]).toEqual([0, expect.stringMatching(/ 4 passed /)]);
    expect(result.output).toContain('PASSED tests/integration/test_integration.py::test_app_publishes_each_new_speed');
    expect(example.started.exitCode).toBeNull();
    expect(await example.stop()).toBe(0);
  }, 1_800_000);

  testWithTools(['cmake', 'c++'], 'C++ seat controller: its integration test passes against the real databroker and broker', async () => {
    // GIVEN the example's integration test, built, and its services
    const projectDir = synthesizeExample('cpp-seat-controller');
    services = new RuntimeServices(chartDirOf(projectDir), images);
    const build = tmpDir('cpp-build');
    runOrThrow('cmake', ['-S', path.join(projectDir, 'app'), '-B', build], { cwd: projectDir });
    runOrThrow('cmake', ['--build', build, '--parallel', '2', '--target', 'integration_test'], { cwd: projectDir });
    const [databrokerPort, mqttPort] = [await unusedPort(), await unusedPort()];
    await services.startDatabroker(databrokerPort);
    await services.startMqtt(mqttPort);

    // WHEN
    const result = run(path.join(build, 'integration_test'), [], {
      cwd: build,
      env: {
        SDV_VEHICLEDATABROKER_ADDRESS: `grpc://127.0.0.1:${databrokerPort}`,
        SDV_MQTT_ADDRESS: `mqtt://127.0.0.1:${mqttPort}`,
        INTEGRATION_REQUIRED: '1',
      },
    });

    // THEN
    expect([result.status, result.output]).toEqual([0, expect.stringContaining(`PASS vehicledatabroker at 127.0.0.1:${databrokerPort} speaks HTTP/2 (gRPC)`)]);
    expect(result.output).toContain(`PASS mqtt at 127.0.0.1:${mqttPort} accepts an MQTT session`);
  }, 900_000);
});
