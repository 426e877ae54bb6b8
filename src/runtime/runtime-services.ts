import { Component, JsonFile } from 'projen';
import { DATABROKER, MQTT_BROKER } from './runtime-charts';
import { databrokerVss } from './vss';
import type { VehicleAppProject } from '../vehicle-app-project';

/** Which signals the databroker's VSS file holds. */
export enum DatabrokerSignals {
  /**
   * The signals the AppManifest requires or provides, with the facts of their VSS source: the databroker
   * knows exactly the vehicle the app declares. An app that names no signal gets its whole VSS source.
   */
  APP = 'app',
  /** Every signal of the VSS source(s) the AppManifest names (the release, or the project's VSS file), e.g. for tools beside the app. */
  ALL = 'all',
}

/** Options of the runtime services an app needs: the KUKSA databroker and an MQTT broker. */
export interface RuntimeServicesOptions {
  /**
   * Deploy the KUKSA databroker with the app (the chart value `databroker.enabled`).
   * @default - true when the manifest has a vehicle-signal interface
   */
  readonly databroker?: boolean;
  /**
   * Deploy the Mosquitto MQTT broker with the app (the chart value `mqtt.enabled`).
   * @default - true when the manifest has a pubsub interface
   */
  readonly mqttBroker?: boolean;
  /**
   * Which signals the databroker's VSS file holds (chart `files/vss.json`, Kanto `vss.json`).
   *
   * Their facts come from the vehicle-signal interface's `src`: a VSS release, or a VSS file of the project
   * with signals of its own.
   * @default DatabrokerSignals.APP
   */
  readonly databrokerSignals?: DatabrokerSignals;
  /**
   * Write Eclipse Kanto container manifests for the app and its services to `deploy/kanto/`.
   * @default true
   */
  readonly kanto?: boolean;
}

/**
 * The services a vehicle app talks to, from its manifest: the KUKSA databroker for VSS signals and
 * an MQTT broker for pubsub. The Helm chart ships them as subcharts; Kanto manifests describe the
 * same containers for a Kanto container-management target.
 */
export class RuntimeServices extends Component {
  /** The databroker is deployed by default. */
  public readonly databroker: boolean;
  /** The MQTT broker is deployed by default. */
  public readonly mqttBroker: boolean;
  /** Which signals the databroker's VSS file holds. */
  public readonly databrokerSignals: DatabrokerSignals;
  /** Folder of the Kanto container manifests, or undefined when not written. */
  public readonly kantoDir?: string;
  private readonly vehicleApp: VehicleAppProject;

  public constructor(project: VehicleAppProject, options: RuntimeServicesOptions = {}) {
    super(project);
    this.vehicleApp = project;
    const manifest = project.app.manifest;
    this.databroker = options.databroker ?? manifest.usesVehicleSignals;
    this.mqttBroker = options.mqttBroker ?? manifest.usesPubSub;
    this.databrokerSignals = options.databrokerSignals ?? DatabrokerSignals.APP;
    project._addValidation(problems => problems.check(Object.values(DatabrokerSignals).includes(this.databrokerSignals),
      'runtime.databrokerSignals', this.databrokerSignals, 'is not a choice of signals for the databroker', 'use DatabrokerSignals.APP or DatabrokerSignals.ALL'));

    if (options.kanto ?? true) {
      this.kantoDir = 'deploy/kanto';
      this.writeKanto(this.kantoDir);
    }
  }

  /** The VSS JSON the databroker serves, as text. */
  public vssJson(): string {
    const signals = this.vehicleApp.app._signals;
    const named = this.databrokerSignals === DatabrokerSignals.ALL ? [] : signals.named();
    return JSON.stringify(databrokerVss(named.length > 0 ? named : signals.all()), null, 2) + '\n';
  }

  private writeKanto(dir: string): void {
    const project = this.vehicleApp;
    const app = project.app;
    // Kanto resolves other containers through extra_hosts "name:container_<name>-host".
    const hosts: string[] = [];
    if (this.databroker) hosts.push(`${DATABROKER.chartName}:container_${DATABROKER.chartName}-host`);
    if (this.mqttBroker) hosts.push(`${MQTT_BROKER.chartName}:container_${MQTT_BROKER.chartName}-host`);
    const env = app.environment({
      vehicleDataBroker: `grpc://${DATABROKER.chartName}:${DATABROKER.port}`,
      mqttBroker: `mqtt://${MQTT_BROKER.chartName}:${MQTT_BROKER.port}`,
    });
    new JsonFile(project, `${dir}/${app.name}.json`, {
      marker: false,
      newline: true,
      obj: () => kantoContainer({
        name: app.name,
        image: project.image.reference(app.version),
        env: env.map(e => `${e.name}=${e.value}`),
        extraHosts: hosts,
        ports: app.ports.map(p => ({ container: p.port, host: p.port })),
        memory: '128M',
      }),
    });
    if (this.databroker) {
      new JsonFile(project, `${dir}/${DATABROKER.chartName}.json`, {
        marker: false,
        newline: true,
        obj: () => kantoContainer({
          name: DATABROKER.chartName,
          image: `${DATABROKER.repository}:${DATABROKER.tag}`,
          env: [`KUKSA_DATABROKER_PORT=${DATABROKER.port}`, `KUKSA_DATABROKER_METADATA_FILE=${DATABROKER.vssDir}/${DATABROKER.vssFile}`],
          cmd: ['--insecure', '--enable-databroker-v1'],
          ports: [{ container: DATABROKER.port, host: DATABROKER.port }],
          // Copy vss.json (beside this manifest) to this host path on the device.
          mounts: [{ source: `/data/var/kuksa/${DATABROKER.vssFile}`, destination: `${DATABROKER.vssDir}/${DATABROKER.vssFile}` }],
          memory: '128M',
        }),
      });
      new JsonFile(project, `${dir}/${DATABROKER.vssFile}`, { marker: false, newline: true, obj: () => JSON.parse(this.vssJson()) });
    }
    if (this.mqttBroker) {
      new JsonFile(project, `${dir}/${MQTT_BROKER.chartName}.json`, {
        marker: false,
        newline: true,
        obj: () => kantoContainer({
          name: MQTT_BROKER.chartName,
          image: `${MQTT_BROKER.repository}:${MQTT_BROKER.tag}@${MQTT_BROKER.digest}`,
          // mosquitto 2 without a config listens on localhost only; this one listens on all interfaces, anonymously (dev use).
          cmd: ['mosquitto', '-c', '/mosquitto-no-auth.conf'],
          ports: [{ container: MQTT_BROKER.port, host: MQTT_BROKER.port }],
          memory: '64M',
        }),
      });
    }
  }
}

interface KantoContainerProps {
  readonly name: string;
  readonly image: string;
  readonly env?: string[];
  readonly cmd?: string[];
  readonly extraHosts?: string[];
  readonly ports?: Array<{ container: number; host: number }>;
  readonly mounts?: Array<{ source: string; destination: string }>;
  readonly memory: string;
}

/** One Eclipse Kanto container-management manifest. */
function kantoContainer(props: KantoContainerProps): Record<string, unknown> {
  return {
    container_name: props.name,
    image: { name: props.image },
    host_config: {
      devices: [],
      network_mode: 'bridge',
      privileged: false,
      restart_policy: { type: 'unless-stopped', maximum_retry_count: 0, retry_timeout: 0 },
      extra_hosts: props.extraHosts ?? [],
      port_mappings: (props.ports ?? []).map(p => ({ protocol: 'tcp', container_port: p.container, host_ip: 'localhost', host_port: p.host, host_port_end: p.host })),
      log_config: { driver_config: { type: 'json-file', max_files: 2, max_size: '1M' }, mode_config: { mode: 'blocking' } },
      resources: { memory: props.memory },
    },
    mount_points: (props.mounts ?? []).map(m => ({ source: m.source, destination: m.destination, propagation_mode: 'rprivate' })),
    config: { env: props.env ?? [], cmd: props.cmd ?? [] },
  };
}
