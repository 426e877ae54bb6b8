import { DATABROKER, RUNTIME_SERVICES } from '../runtime/runtime-service-catalogue';
import { RuntimeServiceSettings } from '../runtime/runtime-services';

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
 * The deployment contract the workflows and the local tasks rely on: the chart and the runtime services it enables.
 * @internal
 */
export function deploymentTarget(runtime: Pick<RuntimeServiceSettings, 'databroker' | 'mqttBroker'>, chartDir: string, chartName: string): DeploymentTarget {
  const enabled = RUNTIME_SERVICES.filter(s => (s === DATABROKER ? runtime.databroker : runtime.mqttBroker));
  const runtimeServices = enabled.map(s => ({ chartName: s.name, enabledValue: `${s.name}.enabled`, port: s.port, portVariable: s.portVariable }));
  return { chartDir, chartName, runtimeServices };
}

/** Values keys of the app chart's image (Helm `helm create` vocabulary). @internal */
export const IMAGE_VALUES = {
  repository: 'image.repository',
  tag: 'image.tag',
  digest: 'image.digest',
  pullPolicy: 'image.pullPolicy',
} as const;
