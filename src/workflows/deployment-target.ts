import { DATABROKER, MQTT_BROKER } from '../runtime/runtime-service-catalogue';
import type { VehicleAppProject } from '../vehicle-app-project';

/** A runtime service subchart the integration test enables and reaches through a port-forward. @internal */
export interface RuntimeServiceTarget {
  /** Chart name of the subchart; its Service is `<release>-<chartName>`. */
  readonly chartName: string;
  /** The values key that switches it on, e.g. `databroker.enabled`. */
  readonly enabledValue: string;
  /** Port the service listens on, forwarded to the same local port. */
  readonly port: number;
  /** Environment variable the app's integration tests read the port from. */
  readonly portVariable: string;
}

/** Where the app chart is and which values it takes: what the workflows deploy. @internal */
export interface DeploymentTarget {
  /** Folder of the app chart, relative to the project root. */
  readonly chartDir: string;
  /** Chart name (the packaged file is `<chartName>-<version>.tgz`). */
  readonly chartName: string;
  /** The runtime services the app needs, in install order. */
  readonly runtimeServices: RuntimeServiceTarget[];
}

/**
 * The deployment contract the workflows rely on, read from the project's Helm chart and runtime
 * services: the one place the workflows learn about the chart.
 * @internal
 */
export function deploymentTarget(project: VehicleAppProject): DeploymentTarget {
  const runtimeServices: RuntimeServiceTarget[] = [];
  if (project.runtime.databroker) {
    runtimeServices.push({ chartName: DATABROKER.name, enabledValue: `${DATABROKER.name}.enabled`, port: DATABROKER.port, portVariable: DATABROKER.portVariable });
  }
  if (project.runtime.mqttBroker) {
    runtimeServices.push({ chartName: MQTT_BROKER.name, enabledValue: `${MQTT_BROKER.name}.enabled`, port: MQTT_BROKER.port, portVariable: MQTT_BROKER.portVariable });
  }
  return { chartDir: project.helmChart.chartDir, chartName: project.helmChart.chartName, runtimeServices };
}

/** Values keys of the app chart's image (Helm `helm create` vocabulary). @internal */
export const IMAGE_VALUES = {
  repository: 'image.repository',
  tag: 'image.tag',
  digest: 'image.digest',
  pullPolicy: 'image.pullPolicy',
} as const;
