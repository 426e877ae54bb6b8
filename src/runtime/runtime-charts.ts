import { DATABROKER, MQTT_BROKER } from './runtime-service-catalogue';
import { ChartBuilder } from '../helm/chart-builder';
import { addWorkload } from '../helm/workload';

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

/** The image a runtime chart deploys, as pinned. @internal */
export interface RuntimeChartImage {
  readonly repository: string;
  /** The service's version: the chart's appVersion. */
  readonly tag: string;
  readonly digest?: string;
}

/** What the runtime charts share with the app chart. @internal */
export interface RuntimeChartProps {
  readonly version: string;
  readonly kubeVersion: string;
  readonly home?: string;
  readonly sources?: string[];
  /**
   * Pod label of the apps in other releases that the service admits (a runtime shared by several apps).
   * @default - only pods of the same release
   */
  readonly clientLabel?: string;
}

/**
 * The KUKSA databroker chart. The VSS JSON comes from `.Values.vss` (e.g. `--set-file
 * databroker.vss=my-vss.json`) or else from the chart's `files/vss.json`.
 * @internal
 */
export function databrokerChart(props: RuntimeChartProps, vssJson: () => string, image: RuntimeChartImage): ChartBuilder {
  const chart = new ChartBuilder({
    name: DATABROKER.name,
    version: props.version,
    appVersion: image.tag,
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
    defaultValue: [...DATABROKER.args],
    description: 'Arguments of the databroker: plain gRPC inside the cluster, with the v1 API the Velocitas SDKs use.',
    schema: { type: 'array', items: { type: 'string' } },
  });
  chart.addFile(`files/${DATABROKER.vssFile}`, vssJson);
  addWorkload(chart, {
    imageRepository: image.repository,
    imageTag: '',
    imageDigest: image.digest,
    uid: DATABROKER.uid,
    gid: DATABROKER.uid,
    ports: [{ name: DATABROKER.portName, port: DATABROKER.port }],
    resources: SMALL,
    ...tcpProbes(DATABROKER.portName),
    env: { ...DATABROKER.env },
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
    clientLabel: props.clientLabel,
  });
  return chart;
}

/** The Mosquitto MQTT broker chart; mosquitto.conf comes from `.Values.config`. @internal */
export function mqttBrokerChart(props: RuntimeChartProps, image: RuntimeChartImage): ChartBuilder {
  const chart = new ChartBuilder({
    name: MQTT_BROKER.name,
    version: props.version,
    appVersion: image.tag,
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
    description: `mosquitto.conf. The default allows anonymous clients on ${MQTT_BROKER.port}: fine inside a dev cluster, not on a network others reach.`,
    schema: { type: 'string', minLength: 1 },
  });
  addWorkload(chart, {
    imageRepository: image.repository,
    imageTag: '',
    imageDigest: image.digest,
    uid: MQTT_BROKER.uid,
    gid: MQTT_BROKER.uid,
    ports: [{ name: MQTT_BROKER.portName, port: MQTT_BROKER.port }],
    resources: SMALL,
    ...tcpProbes(MQTT_BROKER.portName),
    env: { ...MQTT_BROKER.env },
    envDescription: 'Environment of the broker (values may use templates such as {{ .Release.Name }}).',
    configFiles: [{ id: 'config', mountPath: MQTT_BROKER.configDir, data: { [MQTT_BROKER.configFile]: '{{ .Values.config | toJson }}' } }],
    scalable: false,
    clientLabel: props.clientLabel,
  });
  return chart;
}
