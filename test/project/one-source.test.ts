import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { parse } from 'yaml';
import { AppInterface, DatapointAccess, VehicleAppProject, VehicleAppProjectOptions } from '../../src';
import { DATABROKER, MQTT_BROKER } from '../../src/runtime/runtime-service-catalogue';

process.env.PROJEN_DISABLE_POST = 'true';

const WITH_SERVICES: Partial<VehicleAppProjectOptions> = {
  interfaces: [
    AppInterface.vehicleSignals({ required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] }),
    AppInterface.pubSub({ reads: ['seat/request'], writes: ['seat/response'] }),
  ],
};

function synth(options: Partial<VehicleAppProjectOptions> = {}): { [file: string]: any } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'one-source-'));
  return Testing.synth(new VehicleAppProject({ name: 'seat-adjuster', outdir, sampleCode: false, ...WITH_SERVICES, ...options }));
}

/** The Python of each artifact: the Dockerfile's base image, CI's setup-python and the devcontainer image. */
function pythonVersions(files: { [file: string]: any }): { image: string; ci: string[]; devcontainer: string } {
  const image = /ARG PYTHON_IMAGE=\S*python:(3\.[0-9]+)/.exec(files['app/Dockerfile'])![1];
  const ci = parse(files['.github/workflows/ci.yml']);
  const setups = Object.values<any>(ci.jobs).flatMap(job => job.steps ?? []).filter(s => s.id === 'setup-python').map(s => String(s.with['python-version']));
  const devcontainer = /devcontainers\/python:1-(3\.[0-9]+)-/.exec(files['.devcontainer/devcontainer.json'].image)![1];
  return { image, ci: setups, devcontainer };
}

describe('one Python version: the image, CI and the devcontainer follow the base image', () => {
  test.each([
    ['the default image', {}, '3.12'],
    ['an image chosen in the options', { container: { python: { baseImage: 'docker.io/library/python:3.13-slim-trixie' } } }, '3.13'],
  ])('%s', (_name, options, version) => {
    // WHEN
    const versions = pythonVersions(synth(options as Partial<VehicleAppProjectOptions>));
    // THEN the unit-test and integration-test jobs set up the image's Python, as the devcontainer does
    expect(versions).toEqual({ image: version, ci: [version, version], devcontainer: version });
  });

  test('an explicit workflows.pythonVersion still wins in CI', () => {
    expect(pythonVersions(synth({ workflows: { pythonVersion: '3.11' } })).ci).toEqual(['3.11', '3.11']);
  });
});

describe('the runtime services\' ports and flags come from the catalogue', () => {
  const files = synth();
  const chart = 'deploy/helm/seat-adjuster/charts';

  test('the databroker: chart args and env, Kanto command and env, service ports', () => {
    const values = parse(files[`${chart}/databroker/values.yaml`]);
    expect(values.args).toEqual([...DATABROKER.args]);
    expect(values.env).toEqual(DATABROKER.env);
    expect(values.service.port).toBe(DATABROKER.port);
    expect(files[`${chart}/databroker/templates/service.yaml`]).toContain(`- name: ${DATABROKER.portName}\n`);
    const kanto = files['deploy/kanto/databroker.json'];
    expect(kanto.config.cmd).toEqual([...DATABROKER.args]);
    expect(kanto.config.env).toEqual(Object.entries(DATABROKER.env).map(([k, v]) => `${k}=${v}`));
    expect(kanto.host_config.port_mappings.map((m: any) => m.container_port)).toEqual([DATABROKER.port]);
  });

  test('the MQTT broker: chart config, Kanto command, service ports', () => {
    const values = parse(files[`${chart}/mqtt/values.yaml`]);
    expect(values.config).toBe(MQTT_BROKER.config);
    expect(values.config).toContain(`listener ${MQTT_BROKER.port}\n`);
    expect(values.service.port).toBe(MQTT_BROKER.port);
    const kanto = files['deploy/kanto/mqtt.json'];
    expect(kanto.config.cmd).toEqual([...MQTT_BROKER.args]);
    expect(kanto.host_config.port_mappings.map((m: any) => m.container_port)).toEqual([MQTT_BROKER.port]);
  });

  test('CI, the local tasks and the devcontainer forward the catalogue\'s ports to the variables it names', () => {
    const ci = files['.github/workflows/ci.yml'] as string;
    const tasks = files['.projen/tasks.json'].tasks;
    const localTest = tasks['local:test'].steps.map((s: any) => s.exec).join('\n');
    const devcontainer = files['.devcontainer/devcontainer.json'];
    for (const service of [DATABROKER, MQTT_BROKER]) {
      expect(ci).toContain(`forward "service/$RELEASE-${service.name}" ${service.port}`);
      expect(ci).toContain(`${service.portVariable}: "${service.port}"`);
      expect(localTest).toContain(`forward "service/seat-adjuster-${service.name}" ${service.port}`);
      expect(localTest).toContain(`export ${service.portVariable}=${service.port}`);
      expect(devcontainer.containerEnv[service.portVariable]).toBe(String(service.port));
    }
    expect(devcontainer.forwardPorts).toEqual([DATABROKER.port, MQTT_BROKER.port]);
    // The env contract's local addresses are the catalogue's ports on localhost.
    expect(devcontainer.containerEnv.SDV_VEHICLEDATABROKER_ADDRESS).toBe(`grpc://localhost:${DATABROKER.port}`);
    expect(devcontainer.containerEnv.SDV_MQTT_ADDRESS).toBe(`mqtt://localhost:${MQTT_BROKER.port}`);
  });
});
