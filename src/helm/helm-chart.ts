import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Component, Project, TextFile } from 'projen';
import { ChartBuilder, dependencyHost } from './chart-builder';
import { HelmValueOptions } from './helm-values';
import { addWorkload, WorkloadResources } from './workload';
import { HEARTBEAT } from '../app/heartbeat';
import { VehicleApp } from '../app/vehicle-app';
import { ContainerImage } from '../container/container-image';
import { parseImageReference } from '../container/image-reference';
import { databrokerChart, mqttBrokerChart, RuntimeChartImage } from '../runtime/runtime-charts';
import { DATABROKER, kubernetesNetwork, MQTT_BROKER, RUNTIME_CLIENT_LABEL, RuntimeServiceDefinition, sharedRuntimeHost } from '../runtime/runtime-service-catalogue';
import { RuntimeServiceSettings } from '../runtime/runtime-services';
import { Problems, rules, tryAddValidation } from '../validation';

/** A maintainer named in Chart.yaml. */
export interface HelmChartMaintainer {
  /** Name. */
  readonly name: string;
  /**
   * Email address.
   * @default - none
   */
  readonly email?: string;
  /**
   * An http(s) URL, e.g. the maintainer's home page.
   * @default - none
   */
  readonly url?: string;
}

/** CPU and memory of the app container (Kubernetes quantities). */
export interface HelmResources {
  /**
   * CPU request.
   * @default '50m'
   */
  readonly cpuRequest?: string;
  /**
   * Memory request.
   * @default '64Mi'
   */
  readonly memoryRequest?: string;
  /**
   * CPU limit.
   * @default '250m'
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit.
   * @default '128Mi'
   */
  readonly memoryLimit?: string;
  /**
   * Ephemeral storage request (the /tmp emptyDir, logs).
   * @default '32Mi'
   */
  readonly ephemeralStorageRequest?: string;
  /**
   * Ephemeral storage limit.
   * @default '128Mi'
   */
  readonly ephemeralStorageLimit?: string;
}

/** Where and when an object added with `HelmChart.addObject` is rendered. */
export interface HelmChartObjectOptions {
  /**
   * File under `templates/`.
   * @default - `<id>.yaml`
   */
  readonly fileName?: string;
  /**
   * Go template condition around the whole file, e.g. `.Values.cache.enabled`.
   * @default - always rendered
   */
  readonly condition?: string;
}

/** What the app's Helm chart is built from. */
export interface HelmChartProps {
  /** The app. */
  readonly app: VehicleApp;
  /** The app's image reference. */
  readonly image: ContainerImage;
  /** The runtime services and their images. */
  readonly runtime: RuntimeServiceSettings;
  /**
   * The user's chart options.
   * @default {}
   */
  readonly options?: HelmChartOptions;
  /**
   * The image's heartbeat check: the exec probes of an app that serves no port.
   * @default - no default probes for an app without ports
   */
  readonly heartbeatCheck?: string[];
  /**
   * The liveness probe's heartbeat check: older than the readiness check's, so liveness and readiness differ.
   * @default - the readiness check
   */
  readonly heartbeatLivenessCheck?: string[];
  /**
   * Web URL of the source repository: the chart's home and sources.
   * @default - none
   */
  readonly repositoryUrl?: string;
  /**
   * Release name of runtime services that run once for every app of the namespace (a repository of several
   * apps): the chart then ships no runtime subcharts, and its SDV_* addresses and `helm test` name that release's services.
   * @default - the runtime services are subcharts of this chart
   */
  readonly sharedRuntimeRelease?: string;
}

/** Options of the app's Helm chart. */
export interface HelmChartOptions {
  /**
   * Chart version (semver).
   * @default - the app version
   */
  readonly chartVersion?: string;
  /**
   * Kubernetes versions the chart supports (Chart.yaml `kubeVersion`).
   * @default '>=1.27.0-0'
   */
  readonly kubeVersion?: string;
  /**
   * Chart maintainers.
   * @default - none
   */
  readonly maintainers?: HelmChartMaintainer[];
  /**
   * Default `replicaCount`.
   * @default 1
   */
  readonly replicaCount?: number;
  /**
   * Default requests and limits: small, for an in-vehicle computer.
   * @default - requests 50m CPU / 64Mi, limits 250m CPU / 128Mi
   */
  readonly resources?: HelmResources;
  /**
   * Give an app that serves no port exec probes that check its heartbeat file (`APP_HEARTBEAT_FILE`, default
   * `/tmp/heartbeat`, touched at least every 30 s while healthy, as the sample apps do). Set false for an app
   * that writes no heartbeat; it then has no default probes (set them in values).
   * @default true
   */
  readonly heartbeatProbes?: boolean;
}

/** @internal */
export const DEFAULT_KUBE_VERSION = '>=1.27.0-0';
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/**
 * The app's Helm chart in `deploy/helm/<app>/`, built with cdk8s-plus-27 and templated with Helm
 * values in `helm create`'s vocabulary, hardened by default, with the runtime services (KUKSA
 * databroker, MQTT broker) as unpacked subcharts behind `databroker.enabled` and `mqtt.enabled`.
 */
export class HelmChart extends Component {
  /** Folder of an app's chart, relative to the project: `deploy/helm/<app>`. */
  public static dirOf(appName: string): string {
    return `deploy/helm/${appName}`;
  }

  /** Folder of the chart, relative to the project. */
  public readonly chartDir: string;
  /** Chart name (the app name). */
  public readonly chartName: string;
  private readonly builder: ChartBuilder;
  private readonly subcharts: ChartBuilder[];

  public constructor(project: Project, props: HelmChartProps) {
    super(project);
    const { app, runtime } = props;
    const options = props.options ?? {};
    this.chartName = app.name;
    this.chartDir = HelmChart.dirOf(app.name);
    const version = options.chartVersion ?? app.version;
    const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
    const home = props.repositoryUrl;
    const shared = { version, kubeVersion, home, sources: home ? [home] : undefined };
    tryAddValidation(project, problems => checkHelmChartOptions(problems, options, app.version));

    const sharedRuntime = props.sharedRuntimeRelease;
    this.subcharts = sharedRuntime !== undefined ? [] : [
      databrokerChart(shared, () => runtime.vssJson(), chartImage(runtime.databrokerImage)),
      mqttBrokerChart(shared, chartImage(runtime.mqttBrokerImage)),
    ];
    this.builder = new ChartBuilder({
      name: app.name,
      version,
      appVersion: app.version,
      description: app.description ?? `Velocitas vehicle app ${app.manifest.name}.`,
      kubeVersion,
      home,
      sources: home ? [home] : undefined,
      maintainers: options.maintainers,
      keywords: ['velocitas', 'vehicle-app', 'sdv'],
      dependencies: sharedRuntime !== undefined ? undefined : [
        { name: DATABROKER.name, version, condition: `${DATABROKER.name}.enabled` },
        { name: MQTT_BROKER.name, version, condition: `${MQTT_BROKER.name}.enabled` },
      ],
    });

    const r = options.resources ?? {};
    const resources: WorkloadResources = {
      requests: { 'cpu': r.cpuRequest ?? '50m', 'memory': r.memoryRequest ?? '64Mi', 'ephemeral-storage': r.ephemeralStorageRequest ?? '32Mi' },
      limits: { 'cpu': r.cpuLimit ?? '250m', 'memory': r.memoryLimit ?? '128Mi', 'ephemeral-storage': r.ephemeralStorageLimit ?? '128Mi' },
    };
    const heartbeat = (options.heartbeatProbes ?? true) && props.heartbeatCheck
      ? { ready: props.heartbeatCheck, alive: props.heartbeatLivenessCheck ?? props.heartbeatCheck }
      : undefined;
    const probes = appProbes(app.ports[0]?.name, heartbeat);
    const env: { [name: string]: string } = {};
    const envComments: { [name: string]: string } = {};
    // A subchart's Service is `<release>-<service>`, the shared runtime's `<its release>-<service>`.
    const runtimeHost = (service: RuntimeServiceDefinition) =>
      (sharedRuntime !== undefined ? sharedRuntimeHost(sharedRuntime, service) : dependencyHost(app.name, service.name));
    const ownEnv = app._extraEnvNames();
    for (const variable of app.environment(app._endpointsIn(kubernetesNetwork(runtimeHost)))) {
      // The chart's env goes through Helm's tpl; a value from the options means what it says, as in Kanto and locally.
      env[variable.name] = ownEnv.includes(variable.name) ? variable.value.replace(/\{\{/g, '{{ "{{" }}') : variable.value;
      envComments[variable.name] = variable.description;
    }

    addWorkload(this.builder, {
      imageRepository: props.image.name,
      imageTag: '',
      uid: props.image.uid,
      gid: props.image.gid,
      ports: app.ports,
      resources,
      ...probes,
      env,
      envComments,
      envDescription: 'The app\'s environment: the SDV_* service addresses from the AppManifest and LOGLEVEL (values may use templates such as {{ .Release.Name }}).',
      scalable: true,
      replicaCount: options.replicaCount,
      testTargets: sharedRuntime !== undefined
        ? [...(runtime.databroker ? [DATABROKER] : []), ...(runtime.mqttBroker ? [MQTT_BROKER] : [])]
          .map(s => ({ host: runtimeHost(s), port: String(s.port) }))
        : [
          { host: dependencyHost(app.name, DATABROKER.name), port: String(DATABROKER.port), condition: `.Values.${DATABROKER.name}.enabled` },
          { host: dependencyHost(app.name, MQTT_BROKER.name), port: String(MQTT_BROKER.port), condition: `.Values.${MQTT_BROKER.name}.enabled` },
        ],
    });
    if (sharedRuntime !== undefined) {
      this.builder.addTemplate('NOTES.txt', notes(this.builder.prefix, app.ports.length > 0, runtimeHost, runtime));
      // The shared runtime's NetworkPolicy admits the pods with this label (see runtime-charts.ts).
      this.builder.values.addOrMerge({ path: 'podLabels', defaultValue: { [RUNTIME_CLIENT_LABEL]: sharedRuntime }, description: 'Extra labels of the pods.' });
      return;
    }
    const values = this.builder.values;
    values.group(DATABROKER.name, 'The KUKSA databroker subchart (see charts/databroker/values.yaml for its values).', true);
    values.add({ path: `${DATABROKER.name}.enabled`, defaultValue: runtime.databroker, description: 'Deploy the KUKSA databroker with the app.' });
    values.group(MQTT_BROKER.name, 'The Mosquitto MQTT broker subchart (see charts/mqtt/values.yaml for its values).', true);
    values.add({ path: `${MQTT_BROKER.name}.enabled`, defaultValue: runtime.mqttBroker, description: 'Deploy the MQTT broker with the app.' });
    this.builder.addTemplate('NOTES.txt', notes(this.builder.prefix, app.ports.length > 0, runtimeHost));

  }

  /**
   * Adds a value with its schema; returns its reference for templates, e.g. `.Values.metrics.port`.
   * On a value the chart has whose default is a map (e.g. `podLabels`), the default's new keys are merged
   * in; any other existing path fails naming what is there. Call before synthesis.
   */
  public addValue(options: HelmValueOptions): string {
    return this.builder.values.addOrMerge(options);
  }

  /**
   * The cdk8s scope of the chart's objects: build a cdk8s-plus object (or any ApiObject) in it and hand it
   * to `addObject`, e.g. `chart.addObject('cache', new kplus.ConfigMap(chart.scope, 'cache', { data }))`.
   */
  public get scope(): Construct {
    return this.builder.scope;
  }

  /**
   * Adds a cdk8s object built in `scope` to the chart as `templates/<id>.yaml`, templated like the chart's
   * own: named `<release-aware fullname>-<id>`, in the release namespace, with the chart's labels (its own
   * labels and annotations kept). Patch it like the others with `patchObject(kind, id, ...)`.
   * @param id a DNS label, unique per kind: the name suffix and file name
   * @param construct the object (an ApiObject or a cdk8s-plus construct)
   * @param options where and when it is rendered
   */
  public addObject(id: string, construct: IConstruct, options: HelmChartObjectOptions = {}): void {
    if (!rules.isDnsLabel(id)) {
      throw new Error(`HelmChart.addObject: id ${JSON.stringify(id)} is not a DNS label (lowercase letters, digits and "-"). Fix: use e.g. "cache".`);
    }
    this.builder.addConsumerObject(id, construct, options.fileName ?? `${id}.yaml`, options.condition);
  }

  /** Adds a raw Helm template file under `templates/` (e.g. `ingress.yaml`), written verbatim. */
  public addTemplate(fileName: string, content: string): void {
    this.builder.addTemplate(fileName, content);
  }

  /**
   * The cdk8s API object rendered as a template, by kind and name: `deployment`, `service`,
   * `serviceaccount`, `configmap`, `hpa`, `pdb`, `networkpolicy`, `networkpolicy-egress`, `test-connection`.
   * JSON patches added on it apply after the chart's own, like `patchObject`'s.
   */
  public findObject(kind: string, name: string): ApiObject {
    return this.builder.findObject(kind, name);
  }

  /**
   * Applies JSON patches to a rendered object, after the chart's own, e.g. `patchObject('Deployment', 'deployment',
   * JsonPatch.add('/metadata/labels/team', 'seats'))`. A patch below a key the chart renders from values (e.g.
   * `/spec/template/spec/nodeSelector/x`) fails at synthesis naming the key: set those through values.
   */
  public patchObject(kind: string, name: string, ...patches: JsonPatch[]): void {
    this.builder.patchObject(kind, name, ...patches);
  }

  public preSynthesize(): void {
    super.preSynthesize();
    writeChartFiles(this.project, this.builder, this.chartDir);
    for (const sub of this.subcharts) writeChartFiles(this.project, sub, `${this.chartDir}/charts/${sub.metadata.name}`);
  }
}

/** Writes a chart's files under `dir`, each with the generated-file header its format allows. @internal */
export function writeChartFiles(project: Project, chart: ChartBuilder, dir: string): void {
  for (const [file, content] of chart.render()) {
    const header = headerFor(file);
    const text = header ? `${header}\n${content}` : content;
    new TextFile(project, `${dir}/${file}`, { lines: text.split('\n') });
  }
}

/**
 * The chart options' problems, checked before any component is built.
 * @internal
 */
export function checkHelmChartOptions(problems: Problems, options: HelmChartOptions, appVersion: string): void {
  const version = options.chartVersion ?? appVersion;
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const r = options.resources ?? {};
  // A chart version derived from the app version is checked there, not reported twice.
  problems.check(options.chartVersion === undefined || rules.isSemver(version), 'helm.chartVersion', version, rules.semverRule, 'use e.g. "1.0.0"');
  problems.check(typeof kubeVersion === 'string' && /^[<>=~^!]*\s*v?[0-9]/.test(kubeVersion.trim()), 'helm.kubeVersion', kubeVersion,
    'is not a Kubernetes version constraint', 'use e.g. ">=1.27.0-0"');
  const replicas = options.replicaCount ?? 1;
  problems.check(Number.isInteger(replicas) && replicas >= 0, 'helm.replicaCount', replicas, 'is not a replica count (an integer of at least 0)', 'use e.g. 1');
  for (const [key, value] of Object.entries(r)) {
    problems.check(typeof value === 'string' && QUANTITY.test(value), `helm.resources.${key}`, value,
      'is not a Kubernetes quantity', key.startsWith('cpu') ? 'use e.g. "100m" or "1"' : 'use e.g. "64Mi" or "1Gi"');
  }
  (options.maintainers ?? []).forEach((m, i) => {
    problems.check(typeof m.name === 'string' && m.name.trim().length > 0, `helm.maintainers[${i}].name`, m.name, 'is empty', 'give the maintainer\'s name');
    problems.check(m.email === undefined || rules.isEmail(m.email), `helm.maintainers[${i}].email`, m.email, 'is not an email address', 'use e.g. "team@example.com"');
    const urlProblem = m.url === undefined ? undefined : rules.httpUrlProblem(m.url);
    problems.check(!urlProblem, `helm.maintainers[${i}].url`, m.url, urlProblem ?? '', 'use the maintainer\'s https URL, e.g. "https://github.com/acme"');
  });
}

/** A pinned runtime-service image as the chart's values take it (settings check the reference). @internal */
export function chartImage(reference: string): RuntimeChartImage {
  const parsed = parseImageReference(reference);
  if (typeof parsed === 'string') return { repository: reference.replace(/[:@].*$/, ''), tag: '' };
  return { repository: parsed.registry ? `${parsed.registry}/${parsed.repository}` : parsed.repository, tag: parsed.tag ?? '', digest: parsed.digest };
}

const GENERATED = 'Generated by projen-velocitas from .projenrc.ts: change the project options, not this file.';

function headerFor(file: string): string | undefined {
  if (file.endsWith('.tpl')) return `{{/* ${GENERATED} */}}`;
  if (file.endsWith('.yaml') || file === '.helmignore') return `# ${GENERATED}`;
  return undefined;
}

/**
 * Probes of the app, liveness and readiness checking different things: readiness is TCP on its first port
 * when it serves one, else its heartbeat; liveness is the heartbeat with a longer age (taken out of service
 * first, restarted only when it stays hung). Without a heartbeat, a port app has readiness only.
 */
function appProbes(port: string | undefined, heartbeat: { ready: string[]; alive: string[] } | undefined) {
  // Each check starts a process in the pod's CPU limit: a 5 s timeout, and no more often than every 10 s.
  const exec = (command: string[]) => ({ exec: { command }, timeoutSeconds: 5 });
  const livenessProbe = heartbeat ? { ...exec(heartbeat.alive), periodSeconds: 10, failureThreshold: 3 } : undefined;
  if (port) {
    return {
      livenessProbe,
      readinessProbe: { tcpSocket: { port }, periodSeconds: 5, failureThreshold: 3 },
      startupProbe: { tcpSocket: { port }, periodSeconds: 2, failureThreshold: 30 },
    };
  }
  if (!heartbeat) return {};
  const check = heartbeat.ready.join(' ');
  const { fileVariable, defaultFile, maxAgeSeconds, livenessMaxAgeSeconds } = HEARTBEAT;
  return {
    livenessProbe,
    readinessProbe: { ...exec(heartbeat.ready), periodSeconds: 10, failureThreshold: 3 },
    // Up to 5 minutes for the first beat: the SDK connects to its services first on a small CPU share.
    startupProbe: { ...exec(heartbeat.ready), periodSeconds: 5, failureThreshold: 60 },
    probeNote: [
      `The app serves no port, so the default runs the heartbeat check \`${check.length > 60 ? `${heartbeat.ready.slice(0, 2).join(' ')} ...` : check}\`:`,
      `it fails when $${fileVariable} (default ${defaultFile}) is missing or older than ${maxAgeSeconds}s (${livenessMaxAgeSeconds}s for liveness);`,
      'the sample app touches it while healthy.',
      'An app that writes no heartbeat needs probes of its own, or null here and in readinessProbe and startupProbe.',
    ].join('\n'),
  };
}

function notes(
  prefix: string, hasService: boolean, runtimeHost: (service: RuntimeServiceDefinition) => string, sharedRuntime?: RuntimeServiceSettings,
): string {
  const lines = [
    `{{ include "${prefix}.fullname" . }} {{ .Chart.AppVersion }} is deployed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.`,
    '',
    'Image: {{ include "' + prefix + '.image" . }}',
    '',
    'Watch the pods:',
    '  kubectl --namespace {{ .Release.Namespace }} get pods -l "app.kubernetes.io/instance={{ .Release.Name }}"',
    '',
    'Follow the app\'s log:',
    `  kubectl --namespace {{ .Release.Namespace }} logs -f deployment/{{ include "${prefix}.fullname" . }}`,
  ];
  if (hasService) {
    lines.push('', 'Reach the app from your machine:',
      `  kubectl --namespace {{ .Release.Namespace }} port-forward service/{{ include "${prefix}.fullname" . }} {{ .Values.service.port }}:{{ .Values.service.port }}`);
  }
  const databroker = `KUKSA databroker: grpc://${runtimeHost(DATABROKER)}:${DATABROKER.port} (in the cluster)`;
  const mqtt = `MQTT broker: mqtt://${runtimeHost(MQTT_BROKER)}:${MQTT_BROKER.port} (in the cluster)`;
  if (sharedRuntime !== undefined) {
    lines.push(...(sharedRuntime.databroker ? ['', `${databroker}, shared by the apps`] : []), ...(sharedRuntime.mqttBroker ? ['', `${mqtt}, shared by the apps`] : []));
  } else {
    lines.push('{{- if .Values.databroker.enabled }}', '', databroker, '{{- end }}', '{{- if .Values.mqtt.enabled }}', '', mqtt, '{{- end }}');
  }
  lines.push('', 'Check the release: helm test {{ .Release.Name }}', '');
  return lines.join('\n');
}
