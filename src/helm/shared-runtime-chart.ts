import { Component, Project } from 'projen';
import { ChartBuilder } from './chart-builder';
import { chartImage, DEFAULT_KUBE_VERSION, writeChartFiles } from './helm-chart';
import { databrokerChart, mqttBrokerChart } from '../runtime/runtime-charts';
import { DATABROKER, MQTT_BROKER, RUNTIME_CLIENT_LABEL } from '../runtime/runtime-service-catalogue';
import { RuntimeServiceSettings, vssJsonOf } from '../runtime/runtime-services';

/** What the shared runtime chart is built from. @internal */
export interface SharedRuntimeChartProps {
  /** Chart name and the release name the apps' charts address (`<release>-databroker`). */
  readonly name: string;
  /** Folder of the chart, relative to the project. */
  readonly chartDir: string;
  /** Chart version. */
  readonly version: string;
  /** The runtime settings of every app: which services they need, the pinned images, the signals. */
  readonly apps: RuntimeServiceSettings[];
  /** Web URL of the repository. */
  readonly repositoryUrl?: string;
}

/**
 * `deploy/helm/<name>/`: the runtime services (KUKSA databroker, MQTT broker) installed once per namespace and
 * shared by every app of the repository. The databroker serves the union of the apps' signals; the services
 * admit the pods of other releases that carry the runtime-client label (the apps' charts set it).
 * @internal
 */
export class SharedRuntimeChart extends Component {
  public readonly chartDir: string;
  private readonly builder: ChartBuilder;
  private readonly subcharts: ChartBuilder[];

  public constructor(project: Project, props: SharedRuntimeChartProps) {
    super(project);
    this.chartDir = props.chartDir;
    const home = props.repositoryUrl;
    const sources = home ? [home] : undefined;
    const shared = { version: props.version, kubeVersion: DEFAULT_KUBE_VERSION, home, sources, clientLabel: RUNTIME_CLIENT_LABEL };
    // Every app reads the same pin file: the images of any app are the images of all.
    const images = props.apps[0];
    this.subcharts = images === undefined ? [] : [
      databrokerChart(shared, () => vssJsonOf(props.apps.filter(a => a.databroker)), chartImage(images.databrokerImage)),
      mqttBrokerChart(shared, chartImage(images.mqttBrokerImage)),
    ];
    this.builder = new ChartBuilder({
      name: props.name,
      version: props.version,
      appVersion: props.version,
      description: 'The runtime services of the vehicle apps, installed once per namespace and shared by them.',
      kubeVersion: DEFAULT_KUBE_VERSION,
      home,
      sources: home ? [home] : undefined,
      keywords: ['velocitas', 'kuksa', 'mqtt'],
      dependencies: [
        { name: DATABROKER.name, version: props.version, condition: `${DATABROKER.name}.enabled` },
        { name: MQTT_BROKER.name, version: props.version, condition: `${MQTT_BROKER.name}.enabled` },
      ],
    });
    const values = this.builder.values;
    values.group(DATABROKER.name, 'The KUKSA databroker subchart (see charts/databroker/values.yaml for its values).', true);
    values.add({ path: `${DATABROKER.name}.enabled`, defaultValue: props.apps.some(a => a.databroker), description: 'Deploy the KUKSA databroker.' });
    values.group(MQTT_BROKER.name, 'The Mosquitto MQTT broker subchart (see charts/mqtt/values.yaml for its values).', true);
    values.add({ path: `${MQTT_BROKER.name}.enabled`, defaultValue: props.apps.some(a => a.mqttBroker), description: 'Deploy the MQTT broker.' });
    this.builder.addTemplate('NOTES.txt', [
      'The shared runtime services of the vehicle apps are deployed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.',
      'Install the apps in this namespace; their SDV_* addresses name these services.',
      '',
    ].join('\n'));
  }

  public preSynthesize(): void {
    super.preSynthesize();
    writeChartFiles(this.project, this.builder, this.chartDir);
    for (const sub of this.subcharts) writeChartFiles(this.project, sub, `${this.chartDir}/charts/${sub.metadata.name}`);
  }
}
