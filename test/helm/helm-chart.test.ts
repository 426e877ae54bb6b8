import * as fs from 'fs';
import * as path from 'path';
import { JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { read, synthProject, VARIANTS } from './support';
import { AppInterface, DatapointAccess, VehicleAppProject } from '../../src';

const SEAT = VARIANTS['python-signals-pubsub-grpc'];

describe('HelmChart files', () => {
  // GIVEN an app with signals, pubsub and a required gRPC service
  const { project, dir } = synthProject({ ...SEAT, ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = project.helmChart.chartDir;

  test('the chart lives in deploy/helm/<app>/ and Chart.yaml describes the app', () => {
    // THEN
    expect(chartDir).toBe('deploy/helm/seat-adjuster');
    const chart = parse(read(dir, `${chartDir}/Chart.yaml`));
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'seat-adjuster',
      type: 'application',
      version: '0.1.0',
      appVersion: '0.1.0',
      kubeVersion: '>=1.27.0-0',
      home: 'https://github.com/acme/seat-adjuster',
      sources: ['https://github.com/acme/seat-adjuster'],
    });
    expect(chart.dependencies).toEqual([
      { name: 'databroker', version: '0.1.0', condition: 'databroker.enabled' },
      { name: 'mqtt', version: '0.1.0', condition: 'mqtt.enabled' },
    ]);
    for (const sub of ['databroker', 'mqtt']) {
      expect(parse(read(dir, `${chartDir}/charts/${sub}/Chart.yaml`)).version).toBe('0.1.0');
    }
  });

  test('every key of values.yaml has a comment above it', () => {
    const lines = read(dir, `${chartDir}/values.yaml`).split('\n');
    const groups = new Set(['image', 'serviceAccount', 'service', 'autoscaling', 'podDisruptionBudget', 'networkPolicy', 'tests', 'databroker', 'mqtt',
      // and the keys of the Kubernetes blocks the chart sets by default
      'podSecurityContext', 'securityContext', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'env']);
    const uncommented: string[] = [];
    let group: string | undefined;
    let count = 0;
    lines.forEach((line, i) => {
      const top = /^([A-Za-z][A-Za-z0-9_]*):/.exec(line);
      if (top) group = groups.has(top[1]) ? top[1] : undefined;
      const isDeclared = top !== null || (group !== undefined && /^  [A-Za-z][A-Za-z0-9_]*:/.test(line)) || (group === 'tests' && /^    [A-Za-z]+:/.test(line));
      if (!isDeclared) return;
      count++;
      if (!lines[i - 1].trim().startsWith('# ')) uncommented.push(line);
    });
    expect(count).toBeGreaterThan(70);
    expect(uncommented).toEqual([]);
  });

  test('values.yaml and values.schema.json come from one definition', () => {
    const values = parse(read(dir, `${chartDir}/values.yaml`));
    const schema = JSON.parse(read(dir, `${chartDir}/values.schema.json`));
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(values).every(k => k in schema.properties)).toBe(true);
    expect(schema.properties.image.properties.pullPolicy.enum).toEqual(['Always', 'IfNotPresent', 'Never']);
    expect(schema.properties.replicaCount.type).toBe('integer');
    // Subchart values pass through the open groups.
    expect(schema.properties.databroker.additionalProperties).toBeUndefined();
  });

  test('values are in helm create vocabulary, hardened, with the one image reference', () => {
    const values = parse(read(dir, `${chartDir}/values.yaml`));
    expect(values.image).toEqual({ repository: project.image.name, tag: '', digest: '', pullPolicy: 'IfNotPresent' });
    expect(values.replicaCount).toBe(1);
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(values.serviceAccount.automount).toBe(false);
    expect(values.resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '32Mi' },
      limits: { 'cpu': '250m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
    });
    // Liveness and readiness check different things: the heartbeat (long age) and the port.
    expect(values.readinessProbe).toEqual({ tcpSocket: { port: 'grpc' }, periodSeconds: 5, failureThreshold: 3 });
    expect(values.livenessProbe.exec.command[2]).toContain('os.path.getmtime(f) < 90');
    for (const key of ['imagePullSecrets', 'nameOverride', 'fullnameOverride', 'podAnnotations', 'podLabels', 'service', 'nodeSelector', 'tolerations', 'affinity', 'extraEnv', 'autoscaling', 'podDisruptionBudget', 'networkPolicy']) {
      expect(values).toHaveProperty(key);
    }
  });

  test('the env contract points at in-cluster, release-aware services', () => {
    const values = parse(read(dir, `${chartDir}/values.yaml`));
    expect(values.env).toEqual({
      SDV_MIDDLEWARE_TYPE: 'native',
      // The subcharts' own fullname templates, on the parent's view of their values (overrides included).
      SDV_VEHICLEDATABROKER_ADDRESS: 'grpc://{{ include "seat-adjuster.databroker.host" . }}:55555',
      SDV_MQTT_ADDRESS: 'mqtt://{{ include "seat-adjuster.mqtt.host" . }}:1883',
      SDV_SEATS_ADDRESS: 'grpc://seats:50051',
      LOGLEVEL: 'info',
    });
    expect(values.databroker).toEqual({ enabled: true });
    expect(values.mqtt).toEqual({ enabled: true });
  });

  test('template expressions are raw: numbers unquoted, blocks as whole toYaml lines', () => {
    const deployment = read(dir, `${chartDir}/templates/deployment.yaml`);
    expect(deployment).toContain('\n  replicas: {{ .Values.replicaCount }}\n');
    expect(deployment).toContain('\n        resources:\n          {{- toYaml .Values.resources | nindent 10 }}\n');
    expect(deployment).toContain('image: {{ include "seat-adjuster.image" . | quote }}');
    // Our own stable selector labels, none of cdk8s' generated ones.
    expect(deployment).toContain('{{- include "seat-adjuster.selectorLabels" . | nindent 6 }}');
    expect(deployment).not.toContain('cdk8s.io/metadata.addr');
    expect(deployment).not.toMatch(/imagePullPolicy: Always|1500m|2048Mi|__helm_template_node/);
  });

  test('_helpers.tpl defines helm create\'s named templates and the digest-aware image', () => {
    const helpers = read(dir, `${chartDir}/templates/_helpers.tpl`);
    for (const name of ['name', 'fullname', 'chart', 'labels', 'selectorLabels', 'serviceAccountName', 'image']) {
      expect(helpers).toContain(`{{- define "seat-adjuster.${name}" -}}`);
    }
    expect(helpers).toContain('trunc 63');
    expect(helpers).toContain('printf "%s@%s" .Values.image.repository .Values.image.digest');
  });

  test('the runtime charts: databroker with a VSS ConfigMap, mosquitto with its config', () => {
    const broker = parse(read(dir, `${chartDir}/charts/databroker/values.yaml`));
    expect(broker.image.repository).toBe('ghcr.io/eclipse-kuksa/kuksa-databroker');
    expect(parse(read(dir, `${chartDir}/charts/databroker/Chart.yaml`)).appVersion).toBe('0.5.0');
    expect(broker.env).toEqual({ KUKSA_DATABROKER_PORT: '55555', KUKSA_DATABROKER_METADATA_FILE: '/vss/vss.json' });
    expect(broker.args).toContain('--enable-databroker-v1');
    const vss = JSON.parse(read(dir, `${chartDir}/charts/databroker/files/vss.json`));
    expect(vss.Vehicle.children.Speed).toMatchObject({ type: 'sensor', datatype: 'float' });
    expect(vss.Vehicle.children.Cabin.children.Seat.children.Row1.children.DriverSide.children.Position).toMatchObject({ type: 'actuator', datatype: 'uint16' });
    const mqtt = parse(read(dir, `${chartDir}/charts/mqtt/values.yaml`));
    expect(mqtt.image).toMatchObject({ repository: 'docker.io/library/eclipse-mosquitto' });
    expect(parse(read(dir, `${chartDir}/charts/mqtt/Chart.yaml`)).appVersion).toBe('2.0.22');
    expect(mqtt.config).toContain('listener 1883');
    expect(mqtt.config).toContain('allow_anonymous true');
  });

  test('Kanto container manifests for the app and its services', () => {
    const app = JSON.parse(read(dir, 'deploy/kanto/seat-adjuster.json'));
    expect(app.container_name).toBe('seat-adjuster');
    expect(app.image.name).toBe(`${project.image.name}:0.1.0`);
    expect(app.config.env).toContain('SDV_VEHICLEDATABROKER_ADDRESS=grpc://databroker:55555');
    expect(app.config.env).toContain('SDV_MQTT_ADDRESS=mqtt://mqtt:1883');
    expect(app.host_config.extra_hosts).toEqual(['databroker:container_databroker-host', 'mqtt:container_mqtt-host', 'seats:container_seats-host']);
    const broker = JSON.parse(read(dir, 'deploy/kanto/databroker.json'));
    expect(broker.image.name).toBe('ghcr.io/eclipse-kuksa/kuksa-databroker:0.5.0');
    expect(broker.host_config.port_mappings[0]).toMatchObject({ container_port: 55555 });
    expect(JSON.parse(read(dir, 'deploy/kanto/mqtt.json')).image.name).toMatch(/^docker\.io\/library\/eclipse-mosquitto:2\.0\.22@sha256:[0-9a-f]{64}$/);
  });
});

describe('Kanto and the chart address the same services, each in its own network', () => {
  test('every SDV_*_ADDRESS names the same service and port in both; no two services share an address', () => {
    // GIVEN an app with signals, pubsub, two required gRPC services, serving gRPC itself
    const { project, dir } = synthProject({
      ...SEAT,
      interfaces: [...(SEAT.interfaces ?? []), AppInterface.grpc({ src: 'protos/hvac.proto', serviceName: 'hvac', requiredMethods: ['Set'] })],
      ports: [{ name: 'grpc', port: 50051 }],
    });
    // WHEN
    const chartEnv: Record<string, string> = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`)).env;
    const kanto = JSON.parse(read(dir, 'deploy/kanto/seat-adjuster.json'));
    const kantoEnv: Record<string, string> = Object.fromEntries(kanto.config.env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const kantoHosts = new Map<string, string>(kanto.host_config.extra_hosts.map((h: string) => [h.split(':')[0], h.split(':')[1]]));
    // THEN the same variables, each with the same scheme and port
    const addresses = (env: Record<string, string>) => Object.keys(env).filter(k => /^SDV_.*_ADDRESS$/.test(k)).sort();
    expect(addresses(kantoEnv)).toEqual(addresses(chartEnv));
    expect(addresses(chartEnv)).toHaveLength(4);
    const release = 'rel';
    // The chart's runtime service hosts are Helm expressions of the release name; render them for one release.
    const rendered = (value: string) => value.replace(/\{\{ include "[^"]+\.([a-z]+)\.host" \. \}\}/, `${release}-$1`);
    for (const variable of addresses(chartEnv)) {
      const inChart = new URL(rendered(chartEnv[variable]));
      const inKanto = new URL(kantoEnv[variable]);
      expect([variable, inKanto.protocol, inKanto.port]).toEqual([variable, inChart.protocol, inChart.port]);
      // Kanto: another container, reached through its extra_hosts entry (never the app's own localhost)
      expect(kantoHosts.get(inKanto.hostname)).toBe(`container_${inKanto.hostname}-host`);
      // the chart: the release's subchart Service, or the gRPC service's own Service of the same name
      expect([release + '-' + inKanto.hostname, inKanto.hostname]).toContain(inChart.hostname);
    }
    for (const env of [chartEnv, kantoEnv]) {
      const hostPorts = addresses(env).map(v => { const u = new URL(rendered(env[v])); return `${u.hostname}:${u.port}`; });
      expect(new Set(hostPorts).size).toBe(hostPorts.length);
    }
  });
});

describe('runtime services follow the manifest', () => {
  test('an app without interfaces enables neither service and has no Service', () => {
    // GIVEN / WHEN
    const { project, dir } = synthProject(VARIANTS['python-plain']);
    // THEN
    const values = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`));
    expect(values.databroker.enabled).toBe(false);
    expect(values.mqtt.enabled).toBe(false);
    expect(values.env).toEqual({ SDV_MIDDLEWARE_TYPE: 'native', LOGLEVEL: 'info' });
    expect(values.service).toBeUndefined();
    expect(fs.existsSync(path.join(dir, project.helmChart.chartDir, 'templates/service.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'deploy/kanto/databroker.json'))).toBe(false);
  });

  test('a VSS file of the project, named by the interface\'s src, gives the databroker its signals', () => {
    // GIVEN a VSS export in the project with a signal of its own
    const outdir = fs.mkdtempSync('/tmp/velocitas-vss-');
    const vss = { Vehicle: { type: 'branch', description: 'Vehicle.', children: { Speed: { type: 'sensor', datatype: 'double', unit: 'm/s', description: 'Speed.' } } } };
    fs.writeFileSync(path.join(outdir, 'my-vss.json'), JSON.stringify(vss));
    // WHEN
    const project = new VehicleAppProject({
      ...VARIANTS['cpp-signals'],
      outdir,
      sampleCode: false,
      interfaces: [AppInterface.vehicleSignals({ src: 'my-vss.json', required: [{ path: 'Vehicle.Speed', access: DatapointAccess.READ }] })],
    });
    project.synth();
    // THEN the chart and Kanto serve that file's facts
    const served = JSON.parse(read(outdir, `${project.helmChart.chartDir}/charts/databroker/files/vss.json`));
    expect(served.Vehicle.children.Speed).toMatchObject({ type: 'sensor', datatype: 'double', unit: 'm/s' });
    expect(JSON.parse(read(outdir, 'deploy/kanto/vss.json'))).toEqual(served);
  });
});

test('the project author is the chart maintainer unless helm.maintainers says otherwise', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-plain'], authorName: 'Seat Team', authorEmail: 'seats@example.com' });
  expect(parse(read(dir, `${project.helmChart.chartDir}/Chart.yaml`)).maintainers).toEqual([{ name: 'Seat Team', email: 'seats@example.com' }]);
  expect(JSON.parse(read(dir, 'package.json')).author).toMatchObject({ name: 'Seat Team', email: 'seats@example.com' });
  const explicit = synthProject({ ...VARIANTS['python-plain'], authorName: 'Seat Team', helm: { maintainers: [{ name: 'Platform' }] } });
  expect(parse(read(explicit.dir, `${explicit.project.helmChart.chartDir}/Chart.yaml`)).maintainers).toEqual([{ name: 'Platform' }]);
});

describe('probes fit the app', () => {
  const probesOf = (values: any) => [values.livenessProbe, values.readinessProbe, values.startupProbe];

  test('a Python app without ports gets exec probes that check its heartbeat with the image\'s interpreter', () => {
    // GIVEN / WHEN
    const { project, dir } = synthProject(VARIANTS['python-plain']);
    // THEN
    const values = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`));
    const command = project.containerBuild.heartbeatCheck;
    expect(command.slice(0, 2)).toEqual(['/opt/venv/bin/python3', '-c']);
    expect(command[0]).toBe(project.containerBuild.entrypoint[0]);
    expect(command[2]).toContain('os.environ.get("APP_HEARTBEAT_FILE", "/tmp/heartbeat")');
    expect(command[2]).toContain('os.path.getmtime(f) < 30');
    // Readiness and startup: 30 s; liveness: the same check with 90 s, so it differs from readiness (restart only when hung).
    expect(values.livenessProbe.exec.command).toEqual([...command.slice(0, 2), command[2].replace('< 30', '< 90')]);
    for (const probe of probesOf(values)) {
      expect(probe.exec).toEqual({ command: probe === values.livenessProbe ? values.livenessProbe.exec.command : command });
      expect(probe).not.toHaveProperty('tcpSocket');
      expect(probe).not.toHaveProperty('httpGet');
      expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(5);
    }
    expect(values.livenessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
    // A generous start: up to 5 minutes for the first beat.
    expect(values.startupProbe.periodSeconds * values.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
    // values.yaml says what the default checks and how to turn it off.
    const text = read(dir, `${project.helmChart.chartDir}/values.yaml`);
    expect(text).toMatch(/# .*heartbeat check `\/opt\/venv\/bin\/python3 -c \.\.\.`/);
    expect(text).toMatch(/# .*\$APP_HEARTBEAT_FILE \(default \/tmp\/heartbeat\) is missing or older than 30s \(90s for liveness\)/);
    expect(text).toContain('null turns it off');
  });

  test('an app that writes no heartbeat opts out: no default probes', () => {
    const { project, dir } = synthProject({ ...VARIANTS['python-plain'], helm: { heartbeatProbes: false } });
    const values = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`));
    expect(probesOf(values)).toEqual([{}, {}, {}]);
  });

  test('a C++ app without ports gets exec probes running its static binary with --check-heartbeat', () => {
    // GIVEN / WHEN
    const { project, dir } = synthProject(VARIANTS['cpp-signals']);
    // THEN
    const values = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`));
    expect(probesOf(values).map(p => p.exec)).toEqual([
      { command: ['/app/speed-monitor', '--check-heartbeat', '90'] },
      { command: ['/app/speed-monitor', '--check-heartbeat', '30'] },
      { command: ['/app/speed-monitor', '--check-heartbeat', '30'] },
    ]);
    expect(project.containerBuild.entrypoint).toEqual(['/app/speed-monitor']);
  });

  test('a custom C++ binary target is what the probe runs', () => {
    const { project } = synthProject({ ...VARIANTS['cpp-signals'], container: { cpp: { binaryTarget: 'monitor' } } });
    expect(project.containerBuild.heartbeatCheck).toEqual(['/app/monitor', '--check-heartbeat', '30']);
  });

  test('an app with ports is ready while its first port accepts, alive while its heartbeat is fresh', () => {
    const { project, dir } = synthProject({ ...VARIANTS['cpp-grpc-server'], ports: [{ name: 'grpc', port: 50051 }] });
    const values = parse(read(dir, `${project.helmChart.chartDir}/values.yaml`));
    expect(values.readinessProbe.tcpSocket).toEqual({ port: 'grpc' });
    expect(values.startupProbe.tcpSocket).toEqual({ port: 'grpc' });
    expect(values.livenessProbe.exec).toEqual({ command: ['/app/seat-service', '--check-heartbeat', '90'] });
    // Without a heartbeat there is no second check: readiness only.
    const { project: quiet, dir: quietDir } = synthProject({ ...VARIANTS['cpp-grpc-server'], ports: [{ name: 'grpc', port: 50051 }], helm: { heartbeatProbes: false } });
    const quietValues = parse(read(quietDir, `${quiet.helmChart.chartDir}/values.yaml`));
    expect(probesOf(quietValues)).toEqual([{}, { tcpSocket: { port: 'grpc' }, periodSeconds: 5, failureThreshold: 3 }, { tcpSocket: { port: 'grpc' }, periodSeconds: 2, failureThreshold: 30 }]);
    expect(read(quietDir, `${quiet.helmChart.chartDir}/templates/deployment.yaml`)).toContain('CKV_K8S_8=no liveness check distinct from the readiness check');
  });

  test('the app Deployment skips no probe policy; only the one-shot test pod does', () => {
    const { project, dir } = synthProject(VARIANTS['python-plain']);
    const chartDir = project.helmChart.chartDir;
    expect(read(dir, `${chartDir}/templates/deployment.yaml`)).not.toContain('checkov.io/skip');
    expect(read(dir, `${chartDir}/templates/tests/test-connection.yaml`)).toContain('CKV_K8S_8=one-shot helm test pod');
  });
});

describe('HelmChart escape hatches', () => {
  // GIVEN
  const { project, dir } = synthProject(VARIANTS['python-plain'], p => {
    const ref = p.helmChart.addValue({ path: 'metrics.port', defaultValue: 9090, description: 'Port of the metrics endpoint.', schema: { type: 'integer', minimum: 1 } });
    p.helmChart.addTemplate('extra-configmap.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "hello-vehicle.fullname" . }}-metrics\ndata:\n  port: {{ ${ref} | quote }}\n`);
    p.helmChart.patchObject('Deployment', 'deployment', JsonPatch.add('/spec/template/spec/priorityClassName', 'vehicle-critical'));
  });
  const chartDir = project.helmChart.chartDir;

  test('the added template is written verbatim', () => {
    expect(read(dir, `${chartDir}/templates/extra-configmap.yaml`)).toContain('port: {{ .Values.metrics.port | quote }}');
  });

  test('the added value lands in values.yaml and the schema', () => {
    expect(parse(read(dir, `${chartDir}/values.yaml`)).metrics).toEqual({ port: 9090 });
    expect(JSON.parse(read(dir, `${chartDir}/values.schema.json`)).properties.metrics.properties.port).toEqual({ description: 'Port of the metrics endpoint.', type: 'integer', minimum: 1 });
  });

  test('the patch applies to the rendered object', () => {
    expect(read(dir, `${chartDir}/templates/deployment.yaml`)).toContain('priorityClassName: vehicle-critical');
  });

  test('an unknown object is named with what exists', () => {
    expect(() => project.helmChart.findObject('Service', 'service')).toThrow(/No Service "service" in chart hello-vehicle. Available objects: .*Deployment\/deployment/);
  });

  test('an added value with a bad path fails naming it', () => {
    expect(() => project.helmChart.addValue({ path: 'metrics.port', defaultValue: 1, description: 'again' })).toThrow(/"metrics.port" already exists in the chart \("Port of the metrics endpoint.", default 9090\)/);
    expect(() => project.helmChart.addValue({ path: 'bad-key', defaultValue: 1, description: 'x' })).toThrow(/"bad-key" is not a key/);
  });
});

describe('bad options fail at construction naming the option path', () => {
  test.each([
    [{ chartVersion: 'one' }, /helm\.chartVersion: "one" is not a semantic version/],
    [{ replicaCount: -1 }, /helm\.replicaCount: -1 is not a replica count/],
    [{ resources: { memoryLimit: '128 MB' } }, /helm\.resources\.memoryLimit: "128 MB" is not a Kubernetes quantity/],
    [{ kubeVersion: 'latest' }, /helm\.kubeVersion: "latest" is not a Kubernetes version constraint/],
    [{ maintainers: [{ name: '', email: 'nope' }] }, /helm\.maintainers\[0\]\.name.*\n.*helm\.maintainers\[0\]\.email: "nope" is not an email address/],
  ])('helm %j', (helm, message) => {
    expect(() => new VehicleAppProject({ name: 'bad-chart', outdir: fs.mkdtempSync('/tmp/velocitas-bad-'), sampleCode: false, helm: helm as any })).toThrow(message);
  });

  test('a missing VSS file', () => {
    const interfaces = [AppInterface.vehicleSignals({ src: 'missing/vss.json' })];
    expect(() => new VehicleAppProject({ name: 'bad-vss', outdir: fs.mkdtempSync('/tmp/velocitas-bad-'), sampleCode: false, interfaces }))
      .toThrow(/interfaces\[0\]\.src: "missing\/vss.json" is not a readable file \(ENOENT/);
  });
});

