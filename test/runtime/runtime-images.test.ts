import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { AppInterface, DatapointAccess, VehicleAppProject } from '../../src';
import { Container, describeWithRuntimeImages, grpcCall, mqttConnect, runContainer, runOnce, waitForPort } from '../support/runtime-images';
import { hadolint, REPO_ROOT, shellcheck, testWithTools, WRAPPER_TOOLS } from '../validators/tools';

process.env.PROJEN_DISABLE_POST = 'true';

const POSITION = 'Vehicle.Cabin.Seat.Row1.DriverSide.Position';
const SCRIPTS = path.join(REPO_ROOT, 'scripts', 'runtime-images');

describe('scripts/runtime-images', () => {
  testWithTools(WRAPPER_TOOLS.shellcheck, 'the build scripts pass shellcheck', () => {
    shellcheck(fs.readdirSync(SCRIPTS).filter(f => f.endsWith('.sh')).map(f => path.join(SCRIPTS, f)));
  });

  testWithTools(WRAPPER_TOOLS.hadolint, 'every Containerfile passes hadolint with zero findings', () => {
    const containerfiles = fs.readdirSync(SCRIPTS).filter(f => f.endsWith('.Containerfile'));
    expect(containerfiles.sort()).toEqual(['busybox.Containerfile', 'databroker.Containerfile', 'mosquitto.Containerfile']);
    containerfiles.forEach(f => hadolint(path.join(SCRIPTS, f)));
  });

  test('the versions the images are built from are pinned in scripts/versions.env', () => {
    const versions = fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'versions.env'), 'utf8');
    for (const key of ['DATABROKER_VERSION', 'DATABROKER_COMMIT', 'MOSQUITTO_DEB_VERSION', 'BUSYBOX_DEB_VERSION', 'DEBIAN_BASE_IMAGE']) {
      expect(versions).toMatch(new RegExp(`^${key}=\\S+$`, 'm'));
    }
  });
});

/** The seat adjuster's chart, synthesized: its runtime subcharts say how the images are run. */
function seatAdjusterChart(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-images-'));
  const project = new VehicleAppProject({
    name: 'seat-adjuster',
    outdir,
    interfaces: [
      AppInterface.vehicleSignals({ required: [{ path: POSITION, access: DatapointAccess.WRITE }, { path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
      AppInterface.pubSub({ reads: ['seatadjuster/setPosition/request'], writes: ['seatadjuster/setPosition/response'] }),
    ],
  });
  project.synth();
  return path.join(outdir, project.helmChart.chartDir);
}

describeWithRuntimeImages('runtime images of scripts/runtime-images/build.sh, run with podman as the charts run them', images => {
  const chartDir = seatAdjusterChart();
  const values = (chart: string) => parse(fs.readFileSync(path.join(chartDir, 'charts', chart, 'values.yaml'), 'utf8'));
  const started: Container[] = [];
  afterAll(() => started.forEach(c => c.stop()));

  /** The databroker with the chart's args, environment and VSS file (mounted where the chart mounts it). */
  function databroker(args: string[]): Container {
    const chart = values('databroker');
    const container = runContainer(images.databroker, {
      ports: [chart.service.port],
      env: chart.env,
      mounts: { [path.join(chartDir, 'charts', 'databroker', 'files', 'vss.json')]: chart.env.KUKSA_DATABROKER_METADATA_FILE },
      args,
    });
    started.push(container);
    return container;
  }

  test('the databroker answers the v1 API the Velocitas SDK uses with the chart\'s arguments, and serves the chart\'s VSS file', async () => {
    // GIVEN
    const chart = values('databroker');
    expect(chart.args).toEqual(expect.arrayContaining(['--insecure', '--enable-databroker-v1']));
    const container = databroker(chart.args);
    await waitForPort(container.ports[chart.service.port]);

    // WHEN
    const metadata = await grpcCall(container.ports[chart.service.port], '/sdv.databroker.v1.Broker/GetMetadata');

    // THEN
    expect(metadata.status).toBe(0);
    expect(metadata.message.toString('latin1')).toContain(POSITION);
    expect(container.logs()).toContain('Listening on 0.0.0.0:55555');
  }, 120_000);

  test('without --enable-databroker-v1 the v1 API is unimplemented (why the chart passes it)', async () => {
    // GIVEN
    const chart = values('databroker');
    const container = databroker(chart.args.filter((arg: string) => arg !== '--enable-databroker-v1'));
    await waitForPort(container.ports[chart.service.port]);

    // WHEN
    const metadata = await grpcCall(container.ports[chart.service.port], '/sdv.databroker.v1.Broker/GetMetadata');

    // THEN: 12 is UNIMPLEMENTED
    expect(metadata.status).toBe(12);
  }, 120_000);

  test('mosquitto accepts an MQTT connection with the chart\'s config, as a non-root user on a read-only root', async () => {
    // GIVEN the chart's mosquitto.conf, mounted where the chart mounts it
    const chart = values('mqtt');
    const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-')), 'mosquitto.conf');
    fs.writeFileSync(config, chart.config);
    fs.chmodSync(config, 0o644);
    const container = runContainer(images.mqtt, { ports: [chart.service.port], mounts: { [config]: '/mosquitto/config/mosquitto.conf' } });
    started.push(container);
    await waitForPort(container.ports[chart.service.port]);

    // WHEN
    const code = await mqttConnect(container.ports[chart.service.port]);

    // THEN
    expect(code).toBe(0);
    expect(container.logs()).toMatch(/mosquitto version [0-9.]+ running/);
    expect(spawnSync('podman', ['top', container.name, 'user'], { encoding: 'utf8' }).stdout).toMatch(/^USER\s*\n65532\s*$/);
  }, 120_000);

  test('the busybox test image runs the helm test pod\'s connection check: passes on an open port, fails on a closed one', async () => {
    // GIVEN the databroker, reached from another container as the test pod reaches it
    const chart = values('databroker');
    const target = databroker(chart.args);
    await waitForPort(target.ports[chart.service.port]);

    // WHEN
    const open = runOnce(images.busybox, ['nc', '-w', '5', target.ip, String(chart.service.port), '-e', 'true']);
    const closed = runOnce(images.busybox, ['nc', '-w', '5', target.ip, '1', '-e', 'true']);
    const user = runOnce(images.busybox, ['id', '-u']);

    // THEN
    expect(open).toEqual({ status: 0, output: '' });
    expect(closed.status).toBe(1);
    expect(user.output.trim()).toBe('65534');
  }, 120_000);
});
