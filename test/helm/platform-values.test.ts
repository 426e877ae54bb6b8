import * as path from 'path';
import { objects, synthProject, valuesFile, VARIANTS } from './support';
import { helmLint, helmTemplate, kubeScore, kubeValidateStrict, runTool, testWithTools, WRAPPER_TOOLS } from '../validators/tools';

const HELM = WRAPPER_TOOLS.helmLint;
const HELM_AND_KUBE = [...WRAPPER_TOOLS.helmTemplate, ...WRAPPER_TOOLS.kubeValidateStrict];

/** Every pod spec of a render: Deployments' templates and bare Pods (the helm test pods), by object name. */
function podSpecs(rendered: any[]): Array<[string, any]> {
  return rendered.flatMap(o => (o.kind === 'Deployment' ? [[o.metadata.name, o.spec.template.spec]] : o.kind === 'Pod' ? [[o.metadata.name, o.spec]] : [])) as Array<[string, any]>;
}

describe('a platform engineer\'s values: an edge node pool, renamed subcharts, long names', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);
  const EDGE = [
    'global:',
    '  nodeSelector: {kubernetes.io/arch: arm64, node-pool: edge}',
    '  tolerations: [{key: edge, operator: Exists, effect: NoSchedule}]',
    '  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [cabin]}]}]}}}',
    '  imagePullSecrets: [{name: edge-registry}]',
    '  priorityClassName: vehicle-critical',
    'databroker: {enabled: true}',
    'mqtt: {enabled: true}',
  ].join('\n');

  testWithTools(HELM_AND_KUBE, 'global scheduling and pull settings reach every pod: the app, both runtime subcharts and the three test pods', () => {
    // GIVEN
    const file = valuesFile(dir, 'edge.yaml', EDGE);
    // WHEN
    helmLint(chartDir, [file]);
    const text = helmTemplate(chartDir, 'edge', [file]);
    // THEN
    kubeValidateStrict(text);
    const specs = podSpecs(objects(text));
    expect(specs.map(([name]) => name).sort()).toEqual([
      'edge-databroker', 'edge-databroker-test-connection', 'edge-mqtt', 'edge-mqtt-test-connection', 'edge-seat-adjuster', 'edge-seat-adjuster-test-connection',
    ]);
    for (const [name, spec] of specs) {
      expect([name, spec.nodeSelector]).toEqual([name, { 'kubernetes.io/arch': 'arm64', 'node-pool': 'edge' }]);
      expect([name, spec.tolerations]).toEqual([name, [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }]]);
      expect([name, spec.affinity.nodeAffinity]).toBeDefined();
      expect([name, spec.imagePullSecrets]).toEqual([name, [{ name: 'edge-registry' }]]);
      expect([name, spec.priorityClassName]).toEqual([name, 'vehicle-critical']);
    }
  });

  testWithTools(HELM_AND_KUBE, 'a chart\'s own value wins over the global one', () => {
    // GIVEN the databroker pinned to its own pool and the app to its own pull secret
    const file = valuesFile(dir, 'own.yaml', `${EDGE}\ndatabroker: {enabled: true, nodeSelector: {node-pool: brokers}}\nimagePullSecrets: [{name: app-registry}]`);
    // WHEN
    const specs = Object.fromEntries(podSpecs(objects(helmTemplate(chartDir, 'edge', [file]))));
    // THEN
    expect(specs['edge-databroker'].nodeSelector).toEqual({ 'node-pool': 'brokers' });
    expect(specs['edge-databroker-test-connection'].nodeSelector).toEqual({ 'node-pool': 'brokers' });
    expect(specs['edge-mqtt'].nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64', 'node-pool': 'edge' });
    expect(specs['edge-seat-adjuster'].imagePullSecrets).toEqual([{ name: 'app-registry' }]);
    expect(specs['edge-mqtt'].imagePullSecrets).toEqual([{ name: 'edge-registry' }]);
  });

  testWithTools(HELM_AND_KUBE, 'the SDV_* addresses and the helm test follow a renamed subchart (fullnameOverride and nameOverride)', () => {
    // GIVEN
    const file = valuesFile(dir, 'renamed.yaml', 'databroker: {enabled: true, fullnameOverride: vehicle-signals}\nmqtt: {enabled: true, nameOverride: broker}');
    // WHEN
    const text = helmTemplate(chartDir, 'car', [file]);
    // THEN
    kubeValidateStrict(text);
    const rendered = objects(text);
    const services = rendered.filter(o => o.kind === 'Service').map(o => o.metadata.name);
    expect(services).toEqual(expect.arrayContaining(['vehicle-signals', 'car-broker']));
    const env = rendered.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'car-seat-adjuster').data;
    expect(env.SDV_VEHICLEDATABROKER_ADDRESS).toBe('grpc://vehicle-signals:55555');
    expect(env.SDV_MQTT_ADDRESS).toBe('mqtt://car-broker:1883');
    const script = rendered.find(o => o.kind === 'Pod' && o.metadata.name === 'car-seat-adjuster-test-connection').spec.containers[0].command[2];
    expect(script).toContain('reach vehicle-signals 55555');
    expect(script).toContain('reach car-broker 1883');
  });

  testWithTools(HELM_AND_KUBE, '80-character names are cut to 63 as helm create does, every name stays distinct and valid', () => {
    // GIVEN
    const long = `a${'b'.repeat(78)}c`;
    const file = valuesFile(dir, 'long.yaml', [
      `fullnameOverride: ${long}`,
      `nameOverride: ${long}`,
      `databroker: {enabled: true, fullnameOverride: d${long}}`,
      `mqtt: {enabled: true, nameOverride: ${long}}`,
      'autoscaling: {enabled: true}',
      'podDisruptionBudget: {enabled: true}',
    ].join('\n'));
    // WHEN
    helmLint(chartDir, [file]);
    const text = helmTemplate(chartDir, 'r'.repeat(53), [file]);
    // THEN the strict schema validation accepts every name and label
    kubeValidateStrict(text);
    const rendered = objects(text);
    const names = rendered.map(o => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const o of rendered) expect([o.metadata.name, o.metadata.name.length <= 63]).toEqual([o.metadata.name, true]);
    expect(names).toContain(`Deployment/${long.slice(0, 63)}`);
    expect(names).toContain(`Pod/${long.slice(0, 63 - '-test-connection'.length)}-test-connection`);
    const env = rendered.find(o => o.kind === 'ConfigMap' && o.metadata.name === long.slice(0, 63)).data;
    expect(env.SDV_VEHICLEDATABROKER_ADDRESS).toBe(`grpc://${`d${long}`.slice(0, 63)}:55555`);
  });
});

describe('the opt-in egress NetworkPolicy', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools([...HELM_AND_KUBE, ...WRAPPER_TOOLS.kubeScore], 'lets every pod of the release reach DNS and the release\'s own pods only', () => {
    // GIVEN
    const file = valuesFile(dir, 'egress.yaml', [
      'networkPolicy: {egress: {enabled: true}}',
      'databroker: {enabled: true, networkPolicy: {egress: {enabled: true}}}',
      'mqtt: {enabled: true, networkPolicy: {egress: {enabled: true}}}',
    ].join('\n'));
    // WHEN
    helmLint(chartDir, [file]);
    const text = helmTemplate(chartDir, 'car', [file]);
    // THEN
    kubeValidateStrict(text);
    kubeScore(text);
    const policies = objects(text).filter(o => o.kind === 'NetworkPolicy' && o.spec.policyTypes.includes('Egress'));
    expect(policies.map(p => p.metadata.name).sort()).toEqual(['car-databroker-egress', 'car-mqtt-egress', 'car-seat-adjuster-egress']);
    for (const policy of policies) {
      expect(policy.spec.policyTypes).toEqual(['Egress']);
      expect(policy.spec.egress).toEqual([
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'car' } } }] },
      ]);
    }
    // AND every pod of the release, test pods included, is selected by one
    const scored = runTool('kube-score', ['score', '--output-format', 'ci', '-'], { input: text }).stdout;
    expect(scored).not.toContain('does not have a matching egress NetworkPolicy');
  });

  testWithTools(HELM, 'is off by default', () => {
    const policies = objects(helmTemplate(chartDir, 'car')).filter(o => o.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.filter(o => o.spec.policyTypes.includes('Egress'))).toEqual([]);
  });
});

describe('values.schema.json is as strict as the API server', () => {
  const { project, dir } = synthProject({ ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] });
  const chartDir = path.join(dir, project.helmChart.chartDir);
  const template = (values: string) => runTool('helm', ['template', 'x', chartDir, '--values', valuesFile(dir, 'case.yaml', values)]);

  // Each rule: a value the API server rejects (and the schema must), and one it accepts.
  const RULES: Array<[string, string, string, RegExp]> = [
    ['resource quantity', 'resources: {limits: {cpu: lots}}', 'resources: {limits: {cpu: 1500m, memory: 1.5Gi, ephemeral-storage: 1e9}}', /resources|lots/],
    ['user id', 'podSecurityContext: {runAsUser: root}', 'podSecurityContext: {runAsUser: 10001}', /runAsUser|root/],
    ['group id', 'securityContext: {runAsGroup: -1}', 'securityContext: {runAsGroup: 0}', /runAsGroup/],
    ['label value', 'podLabels: {team: "a b"}', 'podLabels: {team: seats-1.2_x}', /podLabels|a b/],
    ['label key', 'podLabels: {"-team": a}', 'podLabels: {acme.com/team: a}', /podLabels|-team/],
    ['label value length', `podLabels: {team: ${'a'.repeat(64)}}`, `podLabels: {team: ${'a'.repeat(63)}}`, /podLabels|aaaa/],
    ['annotation key', 'podAnnotations: {"a b": x}', 'podAnnotations: {prometheus.io/scrape: "a b"}', /podAnnotations|a b/],
    ['node selector', 'nodeSelector: {zone: "a/b"}', 'nodeSelector: {topology.kubernetes.io/zone: eu-1a}', /nodeSelector|a\/b/],
    ['service port range', 'service: {port: 70000}', 'service: {port: 65535}', /service\.port|port/],
    ['probe port range', 'livenessProbe: {exec: null, tcpSocket: {port: 0}}', 'livenessProbe: {exec: null, tcpSocket: {port: 8080}}', /livenessProbe/],
    ['probe port name', 'readinessProbe: {exec: null, tcpSocket: {port: "Not_A_Name"}}', 'readinessProbe: {exec: null, tcpSocket: {port: grpc}}', /readinessProbe/],
    ['probe period', 'startupProbe: {periodSeconds: 0}', 'startupProbe: {periodSeconds: 1}', /startupProbe/],
    ['probe field name', 'livenessProbe: {periodSecond: 5}', 'livenessProbe: {periodSeconds: 5}', /periodSecond/],
    ['toleration operator', 'tolerations: [{key: a, operator: Maybe}]', 'tolerations: [{key: a, operator: Equal, value: b, effect: NoExecute, tolerationSeconds: 30}]', /tolerations|Maybe/],
    ['pull secret name', 'imagePullSecrets: [{name: Reg_Cred}]', 'imagePullSecrets: [{name: reg-cred}]', /imagePullSecrets|Reg_Cred/],
    ['priority class', 'global: {priorityClassName: High}', 'global: {priorityClassName: high-priority}', /priorityClassName|High/],
    ['seccomp profile', 'podSecurityContext: {seccompProfile: {type: None}}', 'podSecurityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}', /seccompProfile|None/],
    ['extra env entry', 'extraEnv: [{name: "A=B", value: x}]', 'extraEnv: [{name: A_B, value: x}]', /extraEnv|A=B/],
  ];

  testWithTools(HELM, 'each rule rejects what the API server rejects and accepts what it accepts', () => {
    for (const [rule, rejected, accepted, message] of RULES) {
      const bad = template(rejected);
      expect([rule, bad.status !== 0]).toEqual([rule, true]);
      expect([rule, bad.stderr]).toEqual([rule, expect.stringMatching(message)]);
      const good = template(accepted);
      expect([rule, good.status, good.stderr]).toEqual([rule, 0, '']);
    }
  }, 300_000);

  testWithTools(HELM, 'minReplicas > maxReplicas fails the render with a clear message; equal passes', () => {
    const bad = template('autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 2}');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('autoscaling.minReplicas (5) is greater than autoscaling.maxReplicas (2). Fix: set minReplicas <= maxReplicas');
    expect(template('autoscaling: {enabled: true, minReplicas: 2, maxReplicas: 2}').status).toBe(0);
  });
});
