import { ChartBuilder } from '../helm/chart-builder';
import { addWorkload } from '../helm/workload';

/** Set to 1 where the runtime services must answer (CI): the apps' integration tests then fail instead of skipping. @internal */
export const INTEGRATION_REQUIRED = 'INTEGRATION_REQUIRED';

/** The KUKSA databroker as Velocitas runs it. @internal */
export const DATABROKER = {
  chartName: 'databroker',
  // Where tests find a port-forwarded databroker port (the SDV_* address keeps the in-cluster one).
  portVariable: 'VDB_PORT',
  repository: 'ghcr.io/eclipse-kuksa/kuksa-databroker',
  tag: '0.5.0',
  port: 55555,
  vssDir: '/vss',
  vssFile: 'vss.json',
  // The image's binary runs as any user; 65532 is the distroless "nonroot" id.
  uid: 65532,
};

/** The Eclipse Mosquitto MQTT broker. @internal */
export const MQTT_BROKER = {
  chartName: 'mqtt',
  portVariable: 'MQTT_PORT',
  repository: 'docker.io/library/eclipse-mosquitto',
  tag: '2.0.22',
  // The multi-platform index of that tag, as several independent public projects pin it.
  digest: 'sha256:212f89e1eaeb2c322d6441b64396e3346026674db8fa9c27beac293405c32b3c',
  port: 1883,
  // A high uid, not the image's mosquitto user 1883 (a host's uid range): started non-root, mosquitto does
  // not switch users and only reads its mounted config.
  uid: 65532,
  config: [
    '# In-cluster development broker: plain MQTT, no authentication (reachable only inside the cluster).',
    'listener 1883',
    'allow_anonymous true',
    'persistence false',
    'log_dest stdout',
    '',
  ].join('\n'),
};

const SMALL = {
  requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '32Mi' },
  limits: { 'cpu': '250m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
};

/** The brokers have no health endpoint: TCP readiness, and no liveness probe that would only repeat it. */
function tcpProbes(port: string) {
  return {
    readinessProbe: { tcpSocket: { port }, periodSeconds: 5, failureThreshold: 3 },
    startupProbe: { tcpSocket: { port }, periodSeconds: 2, failureThreshold: 30 },
  };
}

/** What the runtime charts share with the app chart. @internal */
export interface RuntimeChartProps {
  readonly version: string;
  readonly kubeVersion: string;
  readonly home?: string;
  readonly sources?: string[];
}

/**
 * The KUKSA databroker chart. The VSS JSON comes from `.Values.vss` (e.g. `--set-file
 * databroker.vss=my-vss.json`) or else from the chart's `files/vss.json`.
 * @internal
 */
export function databrokerChart(props: RuntimeChartProps, vssJson: () => string): ChartBuilder {
  const chart = new ChartBuilder({
    name: DATABROKER.chartName,
    version: props.version,
    appVersion: DATABROKER.tag,
    description: 'Eclipse KUKSA databroker: the gRPC broker of VSS vehicle signals.',
    kubeVersion: props.kubeVersion,
    home: 'https://github.com/eclipse-kuksa/kuksa-databroker',
    sources: ['https://github.com/eclipse-kuksa/kuksa-databroker'],
    keywords: ['kuksa', 'vss', 'databroker'],
    fixedFullname: true,
  });
  chart.values.add({ path: 'enabled', defaultValue: true, description: 'Set by a parent chart to switch this chart on or off.' });
  chart.values.add({ path: 'vss', defaultValue: '', description: 'VSS JSON the databroker serves; empty means files/vss.json of this chart (e.g. --set-file databroker.vss=vss.json).', schema: { type: 'string' } });
  chart.values.add({
    path: 'args',
    defaultValue: ['--insecure', '--enable-databroker-v1'],
    description: 'Arguments of the databroker: plain gRPC inside the cluster, with the v1 API the Velocitas SDKs use.',
    schema: { type: 'array', items: { type: 'string' } },
  });
  chart.addFile(`files/${DATABROKER.vssFile}`, vssJson);
  addWorkload(chart, {
    imageRepository: DATABROKER.repository,
    imageTag: '',
    uid: DATABROKER.uid,
    gid: DATABROKER.uid,
    ports: [{ name: 'grpc', port: DATABROKER.port }],
    resources: SMALL,
    ...tcpProbes('grpc'),
    env: {
      KUKSA_DATABROKER_PORT: String(DATABROKER.port),
      KUKSA_DATABROKER_METADATA_FILE: `${DATABROKER.vssDir}/${DATABROKER.vssFile}`,
    },
    envComments: {
      KUKSA_DATABROKER_PORT: 'Port the databroker serves gRPC on.',
      KUKSA_DATABROKER_METADATA_FILE: 'The VSS JSON it serves, mounted from the chart\'s ConfigMap.',
    },
    envDescription: 'Environment of the databroker (values may use templates such as {{ .Release.Name }}).',
    argsFromValues: true,
    configFiles: [{
      id: 'vss',
      mountPath: DATABROKER.vssDir,
      data: { [DATABROKER.vssFile]: `{{ .Values.vss | default (.Files.Get "files/${DATABROKER.vssFile}") | toJson }}` },
    }],
    scalable: false,
  });
  return chart;
}

/** The Mosquitto MQTT broker chart; mosquitto.conf comes from `.Values.config`. @internal */
export function mqttBrokerChart(props: RuntimeChartProps): ChartBuilder {
  const chart = new ChartBuilder({
    name: MQTT_BROKER.chartName,
    version: props.version,
    appVersion: MQTT_BROKER.tag,
    description: 'Eclipse Mosquitto MQTT broker for the pubsub topics of vehicle apps (in-cluster development setup).',
    kubeVersion: props.kubeVersion,
    home: 'https://mosquitto.org',
    sources: ['https://github.com/eclipse/mosquitto'],
    keywords: ['mqtt', 'mosquitto'],
    fixedFullname: true,
  });
  chart.values.add({ path: 'enabled', defaultValue: true, description: 'Set by a parent chart to switch this chart on or off.' });
  chart.values.add({
    path: 'config',
    defaultValue: MQTT_BROKER.config,
    description: 'mosquitto.conf. The default allows anonymous clients on 1883: fine inside a dev cluster, not on a network others reach.',
    schema: { type: 'string', minLength: 1 },
  });
  addWorkload(chart, {
    imageRepository: MQTT_BROKER.repository,
    imageTag: '',
    imageDigest: MQTT_BROKER.digest,
    uid: MQTT_BROKER.uid,
    gid: MQTT_BROKER.uid,
    ports: [{ name: 'mqtt', port: MQTT_BROKER.port }],
    resources: SMALL,
    ...tcpProbes('mqtt'),
    env: {},
    envDescription: 'Environment of the broker (values may use templates such as {{ .Release.Name }}).',
    configFiles: [{ id: 'config', mountPath: '/mosquitto/config', data: { 'mosquitto.conf': '{{ .Values.config | toJson }}' } }],
    scalable: false,
  });
  return chart;
}
