import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { objects, synthProject, valuesFile, VARIANTS } from './support';
import { exampleNames, synthesizeExample } from '../support/examples';
import { helmLint, helmTemplate, KUBE_VERSION, kubeLint, kubeScore, kubeValidateStrict, runTool, testWithTools, WRAPPER_TOOLS } from '../validators/tools';

const HELM = WRAPPER_TOOLS.helmLint;
const HELM_AND_KUBE = [...WRAPPER_TOOLS.helmTemplate, ...WRAPPER_TOOLS.kubeValidateStrict];

// Policies we deliberately do not follow by default, each for a stated reason:
const POLICY_EXCEPTIONS = [
  // The app image is a tag in development (the release workflow pins `image.digest`); the databroker's digest
  // could not be verified offline (MQTT and the test pod are pinned by digest).
  'CKV_K8S_43',
  // IfNotPresent: a vehicle may start offline, and integration tests load images into the cluster.
  'CKV_K8S_15',
];

/** Renders a chart with an explicit namespace (objects carry `namespace: {{ .Release.Namespace }}`). */
function render(chartDir: string, release: string, args: string[] = []): string {
  const res = runTool('helm', ['template', release, chartDir, '--namespace', 'vehicle-apps', '--kube-version', KUBE_VERSION, ...args]);
  if (res.status !== 0) throw new Error(`helm template failed:\n${res.stderr}`);
  return res.stdout;
}

describe.each(Object.keys(VARIANTS))('chart of %s', variant => {
  const { project, dir } = synthProject(VARIANTS[variant]);
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM, 'helm lint --strict passes for the app chart and each runtime chart', () => {
    helmLint(chartDir);
    for (const sub of ['databroker', 'mqtt']) helmLint(path.join(chartDir, 'charts', sub));
  });

  testWithTools(HELM_AND_KUBE, 'the default render validates strictly against Kubernetes 1.27', () => {
    const rendered = helmTemplate(chartDir, 'release-a');
    kubeValidateStrict(rendered);
    const kinds = objects(rendered).map(o => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'ServiceAccount', 'ConfigMap', 'Pod']));
  });

  testWithTools(HELM_AND_KUBE, 'with every runtime service on, every object validates strictly', () => {
    kubeValidateStrict(helmTemplate(chartDir, 'release-a', [], { 'databroker.enabled': 'true', 'mqtt.enabled': 'true' }));
  });

  testWithTools([...HELM, ...WRAPPER_TOOLS.kubeLint], 'the policy linter reports no finding on the default render', () => {
    kubeLint(render(chartDir, 'release-a'), { skipChecks: POLICY_EXCEPTIONS });
  });

  testWithTools([...HELM, ...WRAPPER_TOOLS.kubeScore], 'kube-score reports no CRITICAL on the default render and with every runtime service on', () => {
    kubeScore(render(chartDir, 'release-a'));
    kubeScore(render(chartDir, 'release-a', ['--set', 'databroker.enabled=true', '--set', 'mqtt.enabled=true']));
  });
});

describe.each(exampleNames())('chart of example %s', example => {
  testWithTools([...HELM, ...WRAPPER_TOOLS.helm3, ...WRAPPER_TOOLS.kubeValidateStrict], 'Helm 4 and the last Helm 3 both lint it strictly and render the same valid objects', () => {
    // GIVEN
    const outdir = synthesizeExample(example);
    const chartDir = path.join(outdir, 'deploy', 'helm', fs.readdirSync(path.join(outdir, 'deploy', 'helm'))[0]);
    expect(runTool('helm', ['version', '--template', '{{.Version}}']).stdout).toMatch(/^v4\./);
    expect(runTool('helm3', ['version', '--template', '{{.Version}}']).stdout).toMatch(/^v3\./);
    const everything = { 'databroker.enabled': 'true', 'mqtt.enabled': 'true', 'autoscaling.enabled': 'true', 'networkPolicy.egress.enabled': 'true' };
    for (const sets of [{}, everything]) {
      // WHEN
      helmLint(chartDir, [], 'helm');
      helmLint(chartDir, [], 'helm3');
      const helm4 = helmTemplate(chartDir, 'example', [], sets, 'helm');
      const helm3 = helmTemplate(chartDir, 'example', [], sets, 'helm3');
      // THEN
      kubeValidateStrict(helm4);
      expect(objects(helm4)).toEqual(objects(helm3));
    }
  });

  testWithTools([...HELM, ...WRAPPER_TOOLS.kubeScore, ...WRAPPER_TOOLS.kubeLint], 'kube-score: no CRITICAL; checkov: no finding beyond the documented exceptions', () => {
    // GIVEN
    const outdir = synthesizeExample(example);
    const chartDir = path.join(outdir, 'deploy', 'helm', fs.readdirSync(path.join(outdir, 'deploy', 'helm'))[0]);
    // WHEN
    const rendered = render(chartDir, 'example');
    // THEN
    kubeScore(rendered);
    kubeLint(rendered, { skipChecks: POLICY_EXCEPTIONS });
  });
});

describe('override files', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);
  const deployment = (rendered: string, name: string) => objects(rendered).find(o => o.kind === 'Deployment' && o.metadata.name === name);

  testWithTools(HELM_AND_KUBE, 'replicas and resources', () => {
    // GIVEN
    const file = valuesFile(dir, 'scale.yaml', [
      'replicaCount: 3',
      'resources:',
      '  requests: {cpu: 100m, memory: 96Mi}',
      '  limits: {cpu: 500m, memory: 256Mi}',
    ].join('\n'));
    // WHEN
    helmLint(chartDir, [file]);
    const rendered = helmTemplate(chartDir, 'prod', [file]);
    // THEN
    kubeValidateStrict(rendered);
    const app = deployment(rendered, 'prod-seat-adjuster');
    expect(app.spec.replicas).toBe(3);
    // Helm merges maps: ephemeral-storage keeps its default.
    expect(app.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '96Mi', 'ephemeral-storage': '32Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '128Mi' },
    });
  });

  testWithTools(HELM_AND_KUBE, 'image tag, digest and pull secrets', () => {
    // GIVEN
    const file = valuesFile(dir, 'image.yaml', [
      'image:',
      '  repository: registry.example.com/acme/seat-adjuster',
      '  tag: "1.2.3"',
      '  pullPolicy: Always',
      'imagePullSecrets:',
      '  - name: regcred',
    ].join('\n'));
    // WHEN
    const rendered = helmTemplate(chartDir, 'prod', [file]);
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = helmTemplate(chartDir, 'prod', [file], { 'image.digest': digest });
    // THEN
    kubeValidateStrict(rendered);
    const spec = deployment(rendered, 'prod-seat-adjuster').spec.template.spec;
    expect(spec.containers[0].image).toBe('registry.example.com/acme/seat-adjuster:1.2.3');
    expect(spec.containers[0].imagePullPolicy).toBe('Always');
    expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(deployment(pinned, 'prod-seat-adjuster').spec.template.spec.containers[0].image).toBe(`registry.example.com/acme/seat-adjuster@${digest}`);
  });

  testWithTools(HELM_AND_KUBE, 'the default tag is the chart appVersion', () => {
    const rendered = helmTemplate(chartDir, 'dev');
    expect(deployment(rendered, 'dev-seat-adjuster').spec.template.spec.containers[0].image).toBe(`${project.image.name}:0.1.0`);
  });

  testWithTools(HELM_AND_KUBE, 'every optional part enabled', () => {
    // GIVEN
    const file = valuesFile(dir, 'everything.yaml', [
      'autoscaling: {enabled: true, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70}',
      'podDisruptionBudget: {enabled: true, minAvailable: 1}',
      'networkPolicy: {enabled: true}',
      'serviceAccount: {annotations: {team: seats}, name: seat-sa}',
      'podAnnotations: {prometheus.io/scrape: "false"}',
      'podLabels: {tier: vehicle}',
      'nodeSelector: {kubernetes.io/arch: arm64}',
      'tolerations: [{key: vehicle, operator: Exists, effect: NoSchedule}]',
      'affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [cabin]}]}]}}}',
      'extraEnv: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]',
      'env: {SDV_SEATS_ADDRESS: "grpc://{{ .Release.Name }}-seats:50051", LOGLEVEL: debug}',
      'service: {type: NodePort, port: 50052, annotations: {a: b}}',
      'databroker: {enabled: true, image: {tag: "0.5.0"}, vss: "{}", networkPolicy: {enabled: true}}',
      'mqtt: {enabled: true, resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 32Mi}}, networkPolicy: {enabled: true}}',
    ].join('\n'));
    // WHEN
    helmLint(chartDir, [file]);
    const rendered = helmTemplate(chartDir, 'full', [file]);
    // THEN
    kubeValidateStrict(rendered);
    const all = objects(rendered);
    expect(all.map(o => o.kind)).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']));
    const app = deployment(rendered, 'full-seat-adjuster');
    expect(app.spec.replicas).toBeUndefined();
    expect(app.spec.template.metadata.labels.tier).toBe('vehicle');
    expect(app.spec.template.spec.serviceAccountName).toBe('seat-sa');
    expect(app.spec.template.spec.containers[0].env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    const config = all.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'full-seat-adjuster');
    expect(config.data.SDV_SEATS_ADDRESS).toBe('grpc://full-seats:50051');
    expect(config.data.SDV_VEHICLEDATABROKER_ADDRESS).toBe('grpc://full-databroker:55555');
    expect(all.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'full-databroker-vss').data['vss.json']).toBe('{}');
    expect(all.find(o => o.kind === 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('full-seat-adjuster');
    // Each workload admits traffic only from pods of its release (the app, the test pods, each other).
    const policies = all.filter(o => o.kind === 'NetworkPolicy');
    expect(policies.map(p => [p.metadata.name, p.spec.podSelector.matchLabels['app.kubernetes.io/name'], p.spec.ingress[0].from[0].podSelector.matchLabels]).sort())
      .toEqual([
        ['full-databroker', 'databroker', { 'app.kubernetes.io/instance': 'full' }],
        ['full-mqtt', 'mqtt', { 'app.kubernetes.io/instance': 'full' }],
        ['full-seat-adjuster', 'seat-adjuster', { 'app.kubernetes.io/instance': 'full' }],
      ]);
  });
});

describe('probes of the rendered Deployment', () => {
  const container = (variant: string, options = {}, args: string[] = []) => {
    const { project, dir } = synthProject({ ...VARIANTS[variant], ...options });
    const rendered = render(path.join(dir, project.helmChart.chartDir), 'car', args);
    kubeValidateStrict(rendered);
    return objects(rendered).find(o => o.kind === 'Deployment' && o.metadata.name === `car-${project.app.name}`).spec.template.spec.containers[0];
  };

  testWithTools(HELM_AND_KUBE, 'an app without ports runs its heartbeat check; one with ports is probed over TCP', () => {
    const python = container('python-plain');
    const cpp = container('cpp-signals');
    const grpc = container('cpp-grpc-server', { ports: [{ name: 'grpc', port: 50051 }] });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(python[probe].exec.command.slice(0, 2)).toEqual(['/opt/venv/bin/python3', '-c']);
      expect(cpp[probe].exec.command).toEqual(['/app/speed-monitor', '--check-heartbeat', probe === 'livenessProbe' ? '90' : '30']);
    }
    expect(grpc.readinessProbe).toMatchObject({ tcpSocket: { port: 'grpc' } });
    expect(grpc.startupProbe).toMatchObject({ tcpSocket: { port: 'grpc' } });
    expect(grpc.livenessProbe.exec.command).toEqual(['/app/seat-service', '--check-heartbeat', '90']);
    expect(cpp.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 60 });
  });

  testWithTools(HELM_AND_KUBE, 'a probe can be turned off with null or given another handler', () => {
    const file = valuesFile(fs.mkdtempSync('/tmp/velocitas-probes-'), 'probes.yaml', [
      'livenessProbe: null',
      'readinessProbe: {exec: null, grpc: {port: 50051}}',
    ].join('\n'));
    const app = container('cpp-signals', {}, ['--values', file]);
    expect(app.livenessProbe).toBeUndefined();
    expect(app.readinessProbe).toEqual({ grpc: { port: 50051 }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 });
    expect(app.startupProbe.exec.command[1]).toBe('--check-heartbeat');
  });

  testWithTools([...HELM, 'python3'], 'the rendered Python checks pass on a fresh heartbeat and fail on a stale or missing one (30 s ready, 90 s alive)', () => {
    // GIVEN the rendered commands, run with this machine's python3 instead of the image's
    const app = container('python-plain');
    const beatDir = fs.mkdtempSync('/tmp/velocitas-heartbeat-');
    const file = path.join(beatDir, 'heartbeat');
    const check = (probe: string) => spawnSync('python3', app[probe].exec.command.slice(1), { env: { ...process.env, APP_HEARTBEAT_FILE: file }, encoding: 'utf8' }).status;
    const age = (seconds: number) => {
      const then = new Date(Date.now() - seconds * 1000);
      fs.utimesSync(file, then, then);
    };
    // WHEN / THEN
    expect([check('readinessProbe'), check('livenessProbe')]).toEqual([1, 1]);
    fs.writeFileSync(file, '');
    expect([check('readinessProbe'), check('livenessProbe')]).toEqual([0, 0]);
    age(31);
    expect([check('readinessProbe'), check('livenessProbe')]).toEqual([1, 0]);
    age(91);
    expect([check('readinessProbe'), check('livenessProbe')]).toEqual([1, 1]);
  });
});

describe('values.schema.json rejects bad values', () => {
  const { project, dir } = synthProject(VARIANTS['python-signals-pubsub-grpc']);
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM, 'bad values fail helm template with a message naming them', () => {
    const cases: Array<[string[], RegExp]> = [
      // Helm 3 (gojsonschema) and Helm 4 (santhosh-tekuri/jsonschema) word them differently; both name the value.
      [['--set-string', 'replicaCount=three'], /replicaCount: Invalid type. Expected: integer, given: string|'\/replicaCount': got string, want integer/],
      [['--set', 'replicasCount=2'], /Additional property replicasCount is not allowed|additional properties 'replicasCount' not allowed/],
      [['--set', 'image.pullPolicy=Sometimes'], /image.pullPolicy must be one of the following: "Always", "IfNotPresent", "Never"|'\/image\/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'/],
      [['--set', 'image.digest=latest'], /image.digest: Does not match pattern|'\/image\/digest': 'latest' does not match pattern/],
    ];
    for (const [args, message] of cases) {
      const res = runTool('helm', ['template', 'bad', chartDir, ...args]);
      expect(res.status).not.toBe(0);
      expect(res.stderr).toMatch(message);
    }
  });

  testWithTools(HELM, 'subchart keys pass the top-level schema and meet their own', () => {
    const ok = runTool('helm', ['template', 'ok', chartDir, '--set', 'databroker.image.tag=0.5.1', '--set', 'mqtt.replicaCount=2', '--set', 'global.x=1']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bad = runTool('helm', ['template', 'bad', chartDir, '--set-string', 'databroker.replicaCount=many']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/databroker:[\s\S]*replicaCount(: Invalid type|': got string, want integer)/);
  });
});

describe('two releases in one namespace', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM, 'render no colliding object names', () => {
    // WHEN
    const names = (release: string) => objects(render(chartDir, release)).map(o => `${o.kind}/${o.metadata.name}`);
    const a = names('alpha');
    const b = names('beta');
    // THEN
    expect(a.length).toBeGreaterThan(8);
    expect(new Set(a).size).toBe(a.length);
    expect(a.filter(n => b.includes(n))).toEqual([]);
    // and the selectors differ, so neither release's Service picks the other's pods
    const selectors = (release: string) => objects(render(chartDir, release)).filter(o => o.kind === 'Service').map(o => JSON.stringify(o.spec.selector));
    expect(selectors('alpha').filter(s => selectors('beta').includes(s))).toEqual([]);
  });
});

describe('a release name of 53 characters (Helm\'s longest)', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM_AND_KUBE, 'the SDV_* addresses and the helm test name the runtime Services as they are cut to 63 characters', () => {
    // GIVEN / WHEN
    const release = 'r'.repeat(53);
    const rendered = objects(helmTemplate(chartDir, release, [], { 'databroker.enabled': 'true', 'mqtt.enabled': 'true' }));
    // THEN
    const services = rendered.filter(o => o.kind === 'Service').map(o => o.metadata.name);
    const databroker = `${release}-databroker`.slice(0, 63);
    const mqtt = `${release}-mqtt`;
    expect(services).toEqual(expect.arrayContaining([databroker, mqtt]));
    const app = rendered.find(o => o.kind === 'Deployment' && o.metadata.name === `${release}-seat-adjuster`.slice(0, 63).replace(/-$/, ''));
    const envName = app.spec.template.spec.containers[0].envFrom[0].configMapRef.name;
    const env = rendered.find(o => o.kind === 'ConfigMap' && o.metadata.name === envName).data;
    expect(env.SDV_VEHICLEDATABROKER_ADDRESS).toBe(`grpc://${databroker}:55555`);
    expect(env.SDV_MQTT_ADDRESS).toBe(`mqtt://${mqtt}:1883`);
    const pod = rendered.find(o => o.kind === 'Pod');
    expect(pod.spec.containers[0].command[2]).toContain(`reach ${databroker} 55555`);
  });
});

describe('env values from the options', () => {
  const env = { GREETING: 'hello {{ name }}', BRACES: '{{=C', CLOSING: 'a }} b' };
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], env });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM_AND_KUBE, 'reach the container as written, although the chart passes env through tpl (found by the property run)', () => {
    // GIVEN / WHEN
    helmLint(chartDir);
    const rendered = objects(helmTemplate(chartDir, 'lit'));
    // THEN
    const config = rendered.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'lit-seat-adjuster').data;
    expect(config).toEqual(expect.objectContaining(env));
    // AND the chart's own addresses still name the release
    expect(config.SDV_MQTT_ADDRESS).toBe('mqtt://lit-mqtt:1883');
  });
});

describe('the helm test pod', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM, 'checks the app Service and the enabled runtime services with a pinned image', () => {
    const pod = objects(render(chartDir, 'it')).find(o => o.kind === 'Pod' && o.metadata.name === 'it-seat-adjuster-test-connection');
    expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
    expect(pod.spec.containers[0].image).toMatch(/^docker\.io\/library\/busybox:1\.36\.1@sha256:[0-9a-f]{64}$/);
    const script = pod.spec.containers[0].command[2];
    expect(script).toContain('reach it-seat-adjuster 50051');
    expect(script).toContain('reach it-databroker 55555');
    expect(script).toContain('reach it-mqtt 1883');
    const off = objects(render(chartDir, 'it', ['--set', 'mqtt.enabled=false'])).find(o => o.kind === 'Pod' && o.metadata.name === 'it-seat-adjuster-test-connection');
    expect(off.spec.containers[0].command[2]).not.toContain('it-mqtt');
  });

  testWithTools(HELM, 'fails when a service cannot be reached, passes when all can', () => {
    // GIVEN the rendered test script, with `nc` replaced by a stand-in that reaches nothing, or everything but mqtt, or everything
    const pod = objects(render(chartDir, 'it')).find(o => o.kind === 'Pod' && o.metadata.name === 'it-seat-adjuster-test-connection');
    const script = pod.spec.containers[0].command[2];
    const runWith = (nc: string) => spawnSync('sh', ['-c', `nc() { ${nc}; }; ${script}`], { encoding: 'utf8' });
    // (the stand-in reads the host as $3: `nc -w 5 HOST PORT -e true`)
    // WHEN / THEN
    expect(runWith('return 1').status).not.toBe(0);
    const noMqtt = runWith('[ "$3" != it-mqtt ]');
    expect(noMqtt.status).not.toBe(0);
    expect(noMqtt.stdout).toContain('cannot reach it-mqtt:1883');
    expect(runWith('return 0').status).toBe(0);
  });

  testWithTools([...HELM, 'busybox'], 'runs with Debian\'s busybox, whose nc has no -z: passes on open ports, fails naming a closed one', async () => {
    // GIVEN the rendered script with every service at a local listening port, and busybox's sh, nc, grep and true
    const pod = objects(render(chartDir, 'it')).find(o => o.kind === 'Pod' && o.metadata.name === 'it-seat-adjuster-test-connection');
    const script: string = pod.spec.containers[0].command[2];
    const server = net.createServer(socket => socket.on('error', () => undefined));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const open = (server.address() as net.AddressInfo).port;
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'busybox-'));
    const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
    for (const applet of ['sh', 'nc', 'grep', 'true']) fs.symlinkSync(busybox, path.join(bin, applet));
    const run = (port: number) => spawnSync(path.join(bin, 'sh'), ['-c', script.replace(/reach \S+ \d+/g, `reach 127.0.0.1 ${port}`)],
      { encoding: 'utf8', env: { PATH: bin }, timeout: 30_000 });
    try {
      // WHEN / THEN every service answers: the checks pass without waiting for the servers to close
      const passed = run(open);
      expect(passed.stdout).toContain('all checks passed');
      expect(passed.status).toBe(0);
      // AND a port nobody listens on fails the test, naming the service checked first
      const closed = await new Promise<number>(resolve => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const port = (probe.address() as net.AddressInfo).port;
          probe.close(() => resolve(port));
        });
      });
      const failed = run(closed);
      expect(failed.status).not.toBe(0);
      expect(failed.stdout).toContain('cannot reach it-seat-adjuster:50051');
    } finally {
      server.close();
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  test('every pod annotation key of every chart is unique', () => {
    for (const file of ['templates/deployment.yaml', 'charts/mqtt/templates/deployment.yaml', 'charts/databroker/templates/deployment.yaml']) {
      const text = fs.readFileSync(path.join(chartDir, file), 'utf8');
      const keys = [...text.matchAll(/^\s+(checksum\/[a-z-]+):/gm)].map(m => m[1]);
      expect(keys.length).toBeGreaterThan(0);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
