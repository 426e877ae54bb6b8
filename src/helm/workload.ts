import { JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ChartBuilder } from './chart-builder';
import { tpl } from './template-yaml';
import * as schema from './values-schema';

/** A port the workload serves. @internal */
export interface WorkloadPort {
  readonly name: string;
  readonly port: number;
}

/** A file mounted from a ConfigMap; `data` values are template text (`{{ ... }}`) written as is. @internal */
export interface WorkloadConfigFile {
  /** Suffix of the ConfigMap name and id of the object, e.g. `vss`. */
  readonly id: string;
  /** Directory the ConfigMap is mounted at. */
  readonly mountPath: string;
  /** File name → inline template text of its content. */
  readonly data: { [file: string]: string };
}

/** Requests and limits. @internal */
export interface WorkloadResources {
  readonly requests: { 'cpu': string; 'memory': string; 'ephemeral-storage': string };
  readonly limits: { 'cpu': string; 'memory': string; 'ephemeral-storage': string };
}

/** What a workload chart is made of; the knobs become values in `helm create`'s vocabulary. @internal */
export interface WorkloadProps {
  /** Default replicaCount. */
  readonly replicaCount?: number;
  readonly imageRepository: string;
  /** Default tag; empty means the chart's appVersion. */
  readonly imageTag: string;
  /** Default digest (`sha256:...`) the image is pulled by; empty pulls by tag. */
  readonly imageDigest?: string;
  readonly uid: number;
  readonly gid: number;
  readonly ports: WorkloadPort[];
  readonly resources: WorkloadResources;
  /**
   * Liveness, readiness and startup probes (JSON); undefined means none by default. Liveness and readiness
   * must check different things (kube-score): a workload with one check only has readiness and no liveness.
   */
  readonly livenessProbe?: unknown;
  readonly readinessProbe?: unknown;
  readonly startupProbe?: unknown;
  /** What the default probes check, added to their values.yaml comments. */
  readonly probeNote?: string;
  /** Default environment, as template strings (they go through `tpl`). */
  readonly env: { [name: string]: string };
  readonly envDescription: string;
  /** What each default env variable is for, written above it in values.yaml. */
  readonly envComments?: { [name: string]: string };
  /** Take the container args from `.Values.args` (the chart defines it). */
  readonly argsFromValues?: boolean;
  readonly configFiles?: WorkloadConfigFile[];
  /** Runs several replicas: add an HPA and a PodDisruptionBudget behind `enabled` values (brokers keep one). */
  readonly scalable: boolean;
  /** More `host:port` targets the `helm test` pod checks, each with a Go template condition. */
  readonly testTargets?: Array<{ host: string; port: string; condition?: string }>;
  /**
   * Pod label of clients in other releases of the namespace that the NetworkPolicy admits when its value is this
   * release's name (a runtime service shared by several apps).
   * @default - only pods of the same release
   */
  readonly clientLabel?: string;
}

/**
 * The image `helm test` runs; small, with `sh` and `nc`. The digest is the multi-platform index of the tag, as
 * recorded by several independent public projects pinning it.
 */
export const TEST_IMAGE = {
  repository: 'docker.io/library/busybox',
  tag: '1.36.1',
  digest: 'sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662',
};

/** values.yaml comments of the security context keys the chart sets. */
const SECURITY_CONTEXT_COMMENTS = {
  allowPrivilegeEscalation: 'No process may gain more privileges than its parent (no setuid).',
  capabilities: 'Linux capabilities: all dropped.',
  privileged: 'Never a privileged container.',
  readOnlyRootFilesystem: 'The image is read-only; /tmp is a writable emptyDir.',
  runAsNonRoot: 'The kubelet refuses to start a container as root.',
  runAsUser: 'The image\'s numeric user.',
  runAsGroup: 'The image\'s numeric group.',
  fsGroup: 'Group that owns mounted volumes, so the user can write them.',
  seccompProfile: 'The container runtime\'s default system call filter.',
};

/** values.yaml comments of the probe keys the chart sets. */
const PROBE_COMMENTS = {
  exec: 'A command run in the container; exit code 0 passes.',
  tcpSocket: 'Passes when the port accepts a TCP connection.',
  grpc: 'The gRPC health service of the port.',
  initialDelaySeconds: 'Seconds after the start before the first check.',
  timeoutSeconds: 'Seconds before a check counts as failed.',
  periodSeconds: 'Seconds between checks.',
  failureThreshold: 'Failed checks in a row before the probe fails.',
  successThreshold: 'Passed checks in a row before the probe passes again.',
};

const HARDENED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

/**
 * Adds a hardened Deployment with its ServiceAccount, ConfigMap, Service (when it serves ports),
 * optional HPA/PDB/NetworkPolicy and a `helm test` pod to `chart`, built with cdk8s-plus-27 and
 * templated with the values it defines.
 * @internal
 */
export function addWorkload(chart: ChartBuilder, props: WorkloadProps): void {
  const v = chart.values;
  const name = (suffix = '') => chart.objectMetadata(suffix).name as string;

  v.add({ path: 'replicaCount', defaultValue: props.replicaCount ?? 1, description: 'Number of pods (ignored when autoscaling.enabled).', schema: { type: 'integer', minimum: 0 } });
  v.group('image', 'The container image.');
  v.add({ path: 'image.repository', defaultValue: props.imageRepository, description: 'Image repository, without tag or digest.', schema: { type: 'string', minLength: 1 } });
  v.add({ path: 'image.tag', defaultValue: props.imageTag, description: 'Image tag; empty means the chart\'s appVersion.', schema: { type: 'string' } });
  v.add({
    path: 'image.digest',
    defaultValue: props.imageDigest ?? '',
    description: 'Image digest (sha256:...); when set the image is pulled by digest and the tag is ignored.',
    schema: { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
  });
  v.add({ path: 'image.pullPolicy', defaultValue: 'IfNotPresent', description: 'When the kubelet pulls the image.', schema: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] } });
  // Longer names are cut to 63 characters by the templates, as helm create's helpers do.
  v.add({ path: 'nameOverride', defaultValue: '', description: 'Replaces the chart name in object names and labels (cut to 63 characters).', schema: { type: 'string' } });
  v.add({ path: 'fullnameOverride', defaultValue: '', description: 'Replaces the whole release-aware object name (cut to 63 characters).', schema: { type: 'string' } });
  v.group('serviceAccount', 'The ServiceAccount the pods run as.');
  v.add({ path: 'serviceAccount.create', defaultValue: true, description: 'Create a ServiceAccount for the release.' });
  v.add({ path: 'serviceAccount.automount', defaultValue: false, description: 'Mount the account\'s API token; the app does not call the Kubernetes API.' });
  v.add({ path: 'serviceAccount.annotations', defaultValue: {}, description: 'Annotations of the ServiceAccount.', schema: schema.annotations });
  v.add({ path: 'serviceAccount.name', defaultValue: '', description: 'Name of the ServiceAccount; empty means the release-aware full name.', schema: { type: 'string' } });
  v.add({ path: 'podAnnotations', defaultValue: {}, description: 'Annotations of the pods.', schema: schema.annotations });
  v.add({ path: 'podLabels', defaultValue: {}, description: 'Extra labels of the pods.', schema: schema.labels });
  v.add({
    path: 'podSecurityContext',
    description: 'Pod security context: non-root with the image\'s numeric user, RuntimeDefault seccomp.',
    defaultValue: { runAsNonRoot: true, runAsUser: props.uid, runAsGroup: props.gid, fsGroup: props.gid, seccompProfile: { type: 'RuntimeDefault' } },
    schema: schema.podSecurityContext,
    keyComments: SECURITY_CONTEXT_COMMENTS,
  });
  v.add({
    path: 'securityContext',
    description: 'Container security context: read-only root filesystem, no privilege escalation, no capabilities.',
    defaultValue: { ...HARDENED_CONTAINER, runAsUser: props.uid, runAsGroup: props.gid },
    schema: schema.containerSecurityContext,
    keyComments: SECURITY_CONTEXT_COMMENTS,
  });
  if (props.ports.length > 0) {
    v.group('service', 'The Service in front of the pods.');
    v.add({ path: 'service.type', defaultValue: 'ClusterIP', description: 'Service type.', schema: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] } });
    v.add({ path: 'service.port', defaultValue: props.ports[0].port, description: `Service port of "${props.ports[0].name}".`, schema: { type: 'integer', minimum: 1, maximum: 65535 } });
    v.add({ path: 'service.annotations', defaultValue: {}, description: 'Annotations of the Service.', schema: schema.annotations });
  }
  v.add({
    path: 'resources',
    defaultValue: props.resources,
    description: 'CPU and memory requests and limits of the container.',
    schema: schema.resources,
    keyComments: { requests: 'What the scheduler reserves for the container.', limits: 'The most it may use: CPU is throttled above it, memory over it kills the container.' },
  });
  const probes: Array<[string, unknown, string]> = [
    ['livenessProbe', props.livenessProbe, 'Liveness probe: the kubelet restarts the container when it fails'],
    ['readinessProbe', props.readinessProbe, 'Readiness probe: the pod counts as available while it passes'],
    ['startupProbe', props.startupProbe, 'Startup probe: holds the other probes back until it first passes'],
  ];
  for (const [path, probe, what] of probes) {
    const note = props.probeNote ? `\n${path === 'livenessProbe' ? props.probeNote : 'The default runs the heartbeat check described at livenessProbe.'}` : '';
    // Helm merges a user's map into the default one: {} changes nothing, null removes the probe.
    const description = `${what}; null turns it off (Helm merges maps: to swap the handler, set the default's to null).${note}`;
    v.add({ path, defaultValue: probe ?? {}, description, schema: schema.probe, keyComments: PROBE_COMMENTS });
  }
  v.add({ path: 'env', defaultValue: props.env, description: props.envDescription, schema: schema.envMap, keyComments: props.envComments });
  v.add({
    path: 'extraEnv',
    defaultValue: [],
    description: 'More container env entries (name/value or name/valueFrom), after env.',
    schema: schema.envEntries,
  });
  // Where the pods run and how they pull: per chart, with chart-wide defaults under global (Helm hands global to every subchart).
  v.group('global', 'Values Helm shares with every subchart: where all pods of the release run and how they pull. A chart\'s own value, when set, wins.', true);
  for (const setting of POD_PLACEMENT) {
    v.add({ path: setting.key, defaultValue: setting.defaultValue, description: `${setting.description} Empty means global.${setting.key}.`, schema: setting.schema });
    v.add({ path: `global.${setting.key}`, defaultValue: setting.defaultValue, description: `${setting.description} For every pod of the release.`, schema: setting.schema });
  }
  if (props.scalable) {
    v.group('autoscaling', 'A HorizontalPodAutoscaler on CPU. Every replica receives every MQTT message it subscribes to: use shared subscriptions before scaling a subscriber.');
    v.add({ path: 'autoscaling.enabled', defaultValue: false, description: 'Create the HorizontalPodAutoscaler.' });
    v.add({ path: 'autoscaling.minReplicas', defaultValue: 1, description: 'Fewest pods.', schema: { type: 'integer', minimum: 1 } });
    v.add({ path: 'autoscaling.maxReplicas', defaultValue: 3, description: 'Most pods.', schema: { type: 'integer', minimum: 1 } });
    v.add({ path: 'autoscaling.targetCPUUtilizationPercentage', defaultValue: 80, description: 'Average CPU use (% of requests) to scale at.', schema: { type: 'integer', minimum: 1, maximum: 100 } });
    v.group('podDisruptionBudget', 'A PodDisruptionBudget for voluntary disruptions.');
    v.add({ path: 'podDisruptionBudget.enabled', defaultValue: false, description: 'Create the PodDisruptionBudget.' });
    v.add({ path: 'podDisruptionBudget.minAvailable', defaultValue: 1, description: 'Pods that must stay available.', schema: { type: 'integer', minimum: 0 } });
  }
  v.group('networkPolicy', 'A NetworkPolicy that admits traffic only from pods of the same release.');
  v.add({
    path: 'networkPolicy.enabled',
    defaultValue: true,
    description: 'Create the NetworkPolicy. Turn it off, or add your own policy, when clients outside this release must connect.',
  });
  v.group('networkPolicy.egress', 'An egress NetworkPolicy: the pods may reach DNS and the pods of this release, nothing else.');
  v.add({
    path: 'networkPolicy.egress.enabled',
    defaultValue: false,
    description: 'Create the egress NetworkPolicy (opt-in: an app that calls services outside the release needs a policy of its own for them).',
  });
  v.add({
    path: 'networkPolicy.egress.dnsPodLabels',
    defaultValue: { 'k8s-app': 'kube-dns' },
    description: 'Labels of the cluster DNS pods (in any namespace) the pods may query on port 53.',
    schema: { ...schema.labels, minProperties: 1 },
  });
  v.group('tests', 'The `helm test` pod.');
  v.group('tests.image', 'Image of the test pod: small, with sh and nc, pinned by digest.');
  v.add({ path: 'tests.image.repository', defaultValue: TEST_IMAGE.repository, description: 'Image of the test pod (needs sh and nc).', schema: { type: 'string', minLength: 1 } });
  v.add({ path: 'tests.image.tag', defaultValue: TEST_IMAGE.tag, description: 'Tag of the test image.', schema: { type: 'string', minLength: 1 } });
  v.add({
    path: 'tests.image.digest',
    defaultValue: TEST_IMAGE.digest,
    description: 'Digest the test image is pulled by (with the tag kept for readers); empty pulls by tag alone.',
    schema: { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
  });

  const metadata = (suffix = '', annotations?: string) => ({
    ...chart.objectMetadata(suffix),
    ...(annotations ? { annotations: chart.ph(tpl.optional(annotations)) } : {}),
  });

  // ServiceAccount: its name is the serviceAccountName helper, so the pod spec's reference matches.
  const serviceAccount = new kplus.ServiceAccount(chart.scope, 'serviceaccount', {
    metadata: { name: chart.ph(tpl.value(chart.include('serviceAccountName'))) },
    automountToken: false,
  });
  chart.addObject('serviceaccount', serviceAccount, 'serviceaccount.yaml', '.Values.serviceAccount.create').addJsonPatch(
    replace('/metadata', { ...metadata('', '.Values.serviceAccount.annotations'), name: chart.ph(tpl.value(chart.include('serviceAccountName'))) }),
    replace('/automountServiceAccountToken', chart.ph(tpl.value('.Values.serviceAccount.automount'))),
  );

  // ConfigMap of the environment; values go through tpl so they may name the release.
  const envConfig = new kplus.ConfigMap(chart.scope, 'configmap', { metadata: { name: name() } });
  chart.addObject('configmap', envConfig, 'configmap.yaml').addJsonPatch(
    replace('/metadata', metadata()),
    add('/data', chart.ph(tpl.lines(n => [
      '{{- range $name, $value := .Values.env }}',
      `{{- printf "%s: %s" $name (tpl $value $ | quote) | nindent ${n} }}`,
      '{{- end }}',
    ]))),
  );

  const volumes: kplus.Volume[] = [];
  const tmp = kplus.Volume.fromEmptyDir(chart.scope, 'tmp-volume', 'tmp', { sizeLimit: Size.mebibytes(16) });
  volumes.push(tmp);
  const fileMaps = (props.configFiles ?? []).map(file => {
    const map = new kplus.ConfigMap(chart.scope, `configmap-${file.id}`, { metadata: { name: name(`-${file.id}`) } });
    chart.addObject(file.id, map, `configmap-${file.id}.yaml`).addJsonPatch(
      replace('/metadata', metadata(`-${file.id}`)),
      add('/data', Object.fromEntries(Object.entries(file.data).map(([k, text]) => [k, chart.ph(tpl.inline(text))]))),
    );
    return { file, volume: kplus.Volume.fromConfigMap(chart.scope, `${file.id}-volume`, map, { name: file.id }) };
  });

  const deployment = new kplus.Deployment(chart.scope, 'deployment', {
    metadata: { name: name() },
    replicas: 1,
    select: false,
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: props.uid, group: props.gid, fsGroup: props.gid },
    volumes: [tmp, ...fileMaps.map(f => f.volume)],
    containers: [{
      name: chart.metadata.name,
      image: 'image',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: props.ports.map(p => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
      securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, user: props.uid, group: props.gid },
      volumeMounts: [
        { path: '/tmp', volume: tmp },
        ...fileMaps.map(f => ({ path: f.file.mountPath, volume: f.volume, readOnly: true })),
      ],
    }],
  });
  const container = '/spec/template/spec/containers/0';
  // `env`, not `config`: file ConfigMaps are keyed by their id, and the MQTT config's id is `config`.
  const checksum = 'checksum/env: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}';
  const fileChecksums = fileMaps.map(f => `checksum/${f.file.id}: {{ include (print $.Template.BasePath "/configmap-${f.file.id}.yaml") . | sha256sum }}`);
  chart.addObject('deployment', deployment, 'deployment.yaml').addJsonPatch(
    replace('/metadata', { ...metadata(), annotations: policyExemptions(props.livenessProbe === undefined) }),
    // cdk8s-plus defaults (2 replicas, generated selector label, pull policy Always, big resources, TCP startup probe) are replaced here.
    replace('/spec/replicas', chart.ph(props.scalable
      ? tpl.when('not .Values.autoscaling.enabled', tpl.value('.Values.replicaCount'))
      : tpl.value('.Values.replicaCount'))),
    replace('/spec/selector', { matchLabels: chart.ph(tpl.lines(n => [`{{- ${chart.include('selectorLabels')} | nindent ${n} }}`])) }),
    // Maps that keep the template lines and take the keys a consumer's patch adds.
    replace('/spec/template/metadata', {
      annotations: chart.linesEntry(n => [
        '{{- with .Values.podAnnotations }}',
        `{{- toYaml . | nindent ${n} }}`,
        '{{- end }}',
        checksum,
        ...fileChecksums,
      ]),
      labels: chart.linesEntry(n => [
        `{{- ${chart.include('labels')} | nindent ${n} }}`,
        '{{- with .Values.podLabels }}',
        `{{- toYaml . | nindent ${n} }}`,
        '{{- end }}',
      ]),
    }),
    replace('/spec/template/spec/automountServiceAccountToken', chart.ph(tpl.value('.Values.serviceAccount.automount'))),
    replace('/spec/template/spec/securityContext', chart.ph(tpl.toYaml('.Values.podSecurityContext'))),
    ...placementPatches(chart, '/spec/template/spec'),
    replace(`${container}/image`, chart.ph(tpl.quoted(chart.include('image')))),
    replace(`${container}/imagePullPolicy`, chart.ph(tpl.value('.Values.image.pullPolicy'))),
    replace(`${container}/resources`, chart.ph(tpl.toYaml('.Values.resources'))),
    replace(`${container}/securityContext`, chart.ph(tpl.toYaml('.Values.securityContext'))),
    add(`${container}/startupProbe`, chart.ph(tpl.optional('.Values.startupProbe'))),
    add(`${container}/livenessProbe`, chart.ph(tpl.optional('.Values.livenessProbe'))),
    add(`${container}/readinessProbe`, chart.ph(tpl.optional('.Values.readinessProbe'))),
    add(`${container}/envFrom`, [{ configMapRef: { name: name() } }]),
    add(`${container}/env`, chart.ph(tpl.optional('.Values.extraEnv'))),
    ...(props.argsFromValues ? [add(`${container}/args`, chart.ph(tpl.optional('.Values.args')))] : []),
  );

  if (props.ports.length > 0) {
    const service = new kplus.Service(chart.scope, 'service', {
      metadata: { name: name() },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: props.ports.map(p => ({ name: p.name, port: p.port, targetPort: p.port, protocol: kplus.Protocol.TCP })),
    });
    chart.addObject('service', service, 'service.yaml').addJsonPatch(
      replace('/metadata', metadata('', '.Values.service.annotations')),
      replace('/spec/type', chart.ph(tpl.value('.Values.service.type'))),
      replace('/spec/ports/0/port', chart.ph(tpl.value('.Values.service.port'))),
      ...props.ports.map((p, i) => replace(`/spec/ports/${i}/targetPort`, p.name)),
      add('/spec/selector', chart.ph(tpl.lines(n => [`{{- ${chart.include('selectorLabels')} | nindent ${n} }}`]))),
    );
  }

  if (props.scalable) addScalingParts(chart, metadata);
  addNetworkPolicy(chart, props, metadata);
  addEgressPolicy(chart, metadata);
  addTestPod(chart, props, metadata);
}

function selectorOf(chart: ChartBuilder) {
  return { matchLabels: chart.ph(tpl.lines(n => [`{{- ${chart.include('selectorLabels')} | nindent ${n} }}`])) };
}

/** HPA and PodDisruptionBudget, for a workload that can run several replicas. */
function addScalingParts(chart: ChartBuilder, metadata: (suffix?: string) => Record<string, unknown>): void {
  const k8s = kplus.k8s;
  const selector = selectorOf(chart);
  const hpa = new k8s.KubeHorizontalPodAutoscalerV2(chart.scope, 'hpa', {
    metadata: { name: 'hpa' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'deployment' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  });
  chart.addObject('hpa', hpa, 'hpa.yaml', '.Values.autoscaling.enabled').addJsonPatch(
    replace('/metadata', metadata()),
    replace('/spec/scaleTargetRef/name', chart.ph(tpl.value(chart.include('fullname')))),
    replace('/spec/minReplicas', chart.ph(tpl.value('.Values.autoscaling.minReplicas'))),
    replace('/spec/maxReplicas', chart.ph(tpl.value('.Values.autoscaling.maxReplicas'))),
    replace('/spec/metrics/0/resource/target/averageUtilization', chart.ph(tpl.value('.Values.autoscaling.targetCPUUtilizationPercentage'))),
  ).addGuard('gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)',
    // JSON Schema cannot compare two values; the API server would reject the HPA after the release started.
    '(printf "autoscaling.minReplicas (%d) is greater than autoscaling.maxReplicas (%d). Fix: set minReplicas <= maxReplicas" (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas))');

  const pdb = new k8s.KubePodDisruptionBudget(chart.scope, 'pdb', { metadata: { name: 'pdb' }, spec: { minAvailable: k8s.IntOrString.fromNumber(1) } });
  chart.addObject('pdb', pdb, 'pdb.yaml', '.Values.podDisruptionBudget.enabled').addJsonPatch(
    replace('/metadata', metadata()),
    replace('/spec/minAvailable', chart.ph(tpl.value('.Values.podDisruptionBudget.minAvailable'))),
    add('/spec/selector', selector),
  );
}

function addNetworkPolicy(chart: ChartBuilder, props: WorkloadProps, metadata: (suffix?: string) => Record<string, unknown>): void {
  const k8s = kplus.k8s;
  const policy = new k8s.KubeNetworkPolicy(chart.scope, 'networkpolicy', {
    metadata: { name: 'networkpolicy' },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'release' } } }],
        ...(props.ports.length > 0 ? { ports: props.ports.map(p => ({ port: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })) } : {}),
      }],
    },
  });
  chart.addObject('networkpolicy', policy, 'networkpolicy.yaml', '.Values.networkPolicy.enabled').addJsonPatch(
    replace('/metadata', metadata()),
    replace('/spec/podSelector', selectorOf(chart)),
    replace('/spec/ingress/0/from/0/podSelector/matchLabels/app.kubernetes.io~1instance', chart.ph(tpl.value('.Release.Name'))),
  );
  if (props.clientLabel === undefined) return;
  // Policies add up: this one admits the apps of other releases that carry the client label.
  const clients = new k8s.KubeNetworkPolicy(chart.scope, 'networkpolicy-clients', {
    metadata: { name: 'networkpolicy-clients' },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: { [props.clientLabel]: 'release' } } }],
        ...(props.ports.length > 0 ? { ports: props.ports.map(p => ({ port: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })) } : {}),
      }],
    },
  });
  const labelPointer = props.clientLabel.replace(/~/g, '~0').replace(/\//g, '~1');
  chart.addObject('networkpolicy-clients', clients, 'networkpolicy-clients.yaml', '.Values.networkPolicy.enabled').addJsonPatch(
    replace('/metadata', metadata('-clients')),
    replace('/spec/podSelector', selectorOf(chart)),
    replace(`/spec/ingress/0/from/0/podSelector/matchLabels/${labelPointer}`, chart.ph(tpl.value('.Release.Name'))),
  );
}

/** The opt-in egress policy: DNS (port 53 of the cluster DNS pods) and every pod of the release. */
function addEgressPolicy(chart: ChartBuilder, metadata: (suffix?: string) => Record<string, unknown>): void {
  const k8s = kplus.k8s;
  const dnsPort = (protocol: string) => ({ port: k8s.IntOrString.fromNumber(53), protocol });
  const policy = new k8s.KubeNetworkPolicy(chart.scope, 'networkpolicy-egress', {
    metadata: { name: 'networkpolicy-egress' },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { dns: 'dns' } } }], ports: [dnsPort('UDP'), dnsPort('TCP')] },
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'release' } } }] },
      ],
    },
  });
  chart.addObject('networkpolicy-egress', policy, 'networkpolicy-egress.yaml', '.Values.networkPolicy.egress.enabled').addJsonPatch(
    replace('/metadata', metadata('-egress')),
    replace('/spec/podSelector', selectorOf(chart)),
    replace('/spec/egress/0/to/0/podSelector/matchLabels', chart.ph(tpl.toYaml('.Values.networkPolicy.egress.dnsPodLabels'))),
    replace('/spec/egress/1/to/0/podSelector/matchLabels/app.kubernetes.io~1instance', chart.ph(tpl.value('.Release.Name'))),
  );
}

function addTestPod(chart: ChartBuilder, props: WorkloadProps, metadata: (suffix?: string) => Record<string, unknown>): void {
  const targets = [
    ...(props.ports.length > 0 ? [{ host: `{{ ${chart.include('fullname')} }}`, port: '{{ .Values.service.port }}', condition: undefined }] : []),
    ...(props.testTargets ?? []),
  ];
  const checks = targets.map(t => {
    // `a && b` does not stop a `set -e` script when `a` fails: fail explicitly.
    const check = ` reach ${t.host} ${t.port} || { echo "cannot reach ${t.host}:${t.port}"; exit 1; }; echo "reached ${t.host}:${t.port}";`;
    return t.condition ? `{{- if ${t.condition} }}${check}{{- end }}` : check;
  });
  // busybox nc has -z only when built with NC_110_COMPAT (not Debian's); without it, connect and exec `true`.
  const reach = 'reach() { if nc 2>&1 | grep -q -- " -z"; then nc -z -w 5 "$1" "$2"; else nc -w 5 "$1" "$2" -e true; fi; };';
  const script = `set -e; ${reach}${checks.join('')} echo "all checks passed"`;
  const pod = new kplus.k8s.KubePod(chart.scope, 'test-connection', {
    metadata: { name: 'test' },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: 'sa',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'connection',
        image: 'image',
        command: ['sh', '-c', script],
        securityContext: { ...HARDENED_CONTAINER },
        resources: {
          requests: { 'cpu': kplus.k8s.Quantity.fromString('10m'), 'memory': kplus.k8s.Quantity.fromString('16Mi'), 'ephemeral-storage': kplus.k8s.Quantity.fromString('8Mi') },
          limits: { 'cpu': kplus.k8s.Quantity.fromString('100m'), 'memory': kplus.k8s.Quantity.fromString('32Mi'), 'ephemeral-storage': kplus.k8s.Quantity.fromString('16Mi') },
        },
      }],
    },
  });
  const testMetadata = metadata('-test-connection');
  chart.addObject('test-connection', pod, 'tests/test-connection.yaml').addJsonPatch(
    replace('/metadata', {
      ...testMetadata,
      // The pods' extra labels too: the test pod reaches what the app's pods may reach (e.g. a shared runtime admitting them by label).
      labels: { ...(testMetadata.labels as object), ...chart.linesEntry(n => ['{{- with .Values.podLabels }}', `{{- toYaml . | nindent ${n} }}`, '{{- end }}']) },
      annotations: {
        'helm.sh/hook': 'test',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
        // A one-shot test pod has nothing to probe; it pulls like the workloads do.
        'checkov.io/skip1': 'CKV_K8S_8=one-shot helm test pod',
        'checkov.io/skip2': 'CKV_K8S_9=one-shot helm test pod',
        'kube-score/ignore': 'pod-probes,container-image-pull-policy',
      },
    }),
    replace('/spec/serviceAccountName', chart.ph(tpl.value(chart.include('serviceAccountName')))),
    ...placementPatches(chart, '/spec'),
    replace('/spec/containers/0/image', chart.ph(tpl.inline(
      '"{{ .Values.tests.image.repository }}:{{ .Values.tests.image.tag }}{{ with .Values.tests.image.digest }}@{{ . }}{{ end }}"'))),
  );
}

/**
 * Policy checks a Deployment deliberately does not meet, as the annotations checkov and kube-score read:
 * IfNotPresent pulls (a vehicle may start offline; CI loads the image into the cluster), and no liveness
 * probe where the only check there is would repeat the readiness probe (it would restart a busy pod).
 */
function policyExemptions(withoutLiveness: boolean): Record<string, string> {
  return {
    'kube-score/ignore': 'container-image-pull-policy',
    ...(withoutLiveness ? { 'checkov.io/skip1': 'CKV_K8S_8=no liveness check distinct from the readiness check' } : {}),
  };
}

/** Pod settings of where pods run and how they pull: each chart's value, else `global`'s. */
const POD_PLACEMENT: Array<{ key: string; defaultValue: unknown; description: string; schema: Record<string, unknown> }> = [
  { key: 'imagePullSecrets', defaultValue: [], description: 'Secrets for pulling from a private registry, e.g. [{name: regcred}].', schema: schema.imagePullSecrets },
  { key: 'nodeSelector', defaultValue: {}, description: 'Node labels the pods must run on.', schema: schema.labels },
  { key: 'tolerations', defaultValue: [], description: 'Taints the pods tolerate.', schema: schema.tolerations },
  { key: 'affinity', defaultValue: {}, description: 'Affinity rules of the pods.', schema: schema.affinity },
  { key: 'priorityClassName', defaultValue: '', description: 'PriorityClass of the pods.', schema: schema.priorityClassName },
];

/** Patches that set the placement settings on the pod spec at `spec`. */
function placementPatches(chart: ChartBuilder, spec: string): JsonPatch[] {
  return POD_PLACEMENT.map(({ key }) => add(`${spec}/${key}`, chart.ph(tpl.optional(`(.Values.${key} | default .Values.global.${key})`))));
}

function replace(path: string, value: unknown): JsonPatch {
  return JsonPatch.replace(path, value);
}

function add(path: string, value: unknown): JsonPatch {
  return JsonPatch.add(path, value);
}

