import { Component, JsonFile, Project } from 'projen';
import { DATABROKER, grpcServiceHost, KANTO_NETWORK, MQTT_BROKER, runtimeServiceImage } from './runtime-service-catalogue';
import { databrokerVss } from './vss';
import { VehicleApp } from '../app/vehicle-app';
import { ContainerImage } from '../container/container-image';
import { parseImageReference } from '../container/image-reference';
import { Problems, tryAddValidation } from '../validation';
import { AppSignals, SourcedSignal } from '../vss/app-signals';

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

/** What the runtime-service settings are resolved from. */
export interface RuntimeServiceSettingsProps {
  /** The app: its manifest's interfaces decide which services are on by default, its signals fill the VSS file. */
  readonly app: VehicleApp;
  /**
   * The user's runtime options.
   * @default {}
   */
  readonly options?: RuntimeServicesOptions;
  /**
   * Images pinned in `.github/pins/Dockerfile` (Dependabot bumps them), by stage name: `databroker`, `mqtt`.
   * @default {} - the images of the library's runtime-service catalogue
   */
  readonly pinnedImages?: { [stage: string]: string };
}

/**
 * Which runtime services the app gets, the images they run and the VSS the databroker serves: resolved once
 * from the options, the manifest and the pin file, and read by the chart, the Kanto manifests, the workflows
 * and the local tasks.
 */
export class RuntimeServiceSettings {
  /** The databroker is deployed by default. */
  public readonly databroker: boolean;
  /** The MQTT broker is deployed by default. */
  public readonly mqttBroker: boolean;
  /** Kanto manifests are written. */
  public readonly kanto: boolean;
  /** Which signals the databroker's VSS file holds. */
  public readonly databrokerSignals: DatabrokerSignals;
  /** The databroker's image reference (`repository:tag[@digest]`). */
  public readonly databrokerImage: string;
  /** The MQTT broker's image reference (`repository:tag[@digest]`). */
  public readonly mqttBrokerImage: string;
  private readonly signals: AppSignals;

  public constructor(props: RuntimeServiceSettingsProps) {
    const options = props.options ?? {};
    this.signals = props.app._signals;
    this.databroker = options.databroker ?? props.app.manifest.usesVehicleSignals;
    this.mqttBroker = options.mqttBroker ?? props.app.manifest.usesPubSub;
    this.kanto = options.kanto ?? true;
    this.databrokerSignals = options.databrokerSignals ?? DatabrokerSignals.APP;
    const pinned = props.pinnedImages ?? {};
    this.databrokerImage = pinned[DATABROKER.name] ?? runtimeServiceImage(DATABROKER);
    this.mqttBrokerImage = pinned[MQTT_BROKER.name] ?? runtimeServiceImage(MQTT_BROKER);
  }

  /** The VSS JSON the databroker serves, as text. */
  public vssJson(): string {
    return JSON.stringify(databrokerVss(this._servedSignals()), null, 2) + '\n';
  }

  /**
   * The signals the databroker serves for this app.
   * @internal
   */
  public _servedSignals(): SourcedSignal[] {
    const named = this.databrokerSignals === DatabrokerSignals.ALL ? [] : this.signals.named();
    return named.length > 0 ? named : this.signals.all();
  }

  /** @internal */
  public _validate(problems: Problems): void {
    checkRuntimeServicesOptions(problems, { databrokerSignals: this.databrokerSignals });
    for (const [service, image] of [[DATABROKER, this.databrokerImage], [MQTT_BROKER, this.mqttBrokerImage]] as const) {
      const parsed = parseImageReference(image);
      problems.check(typeof parsed !== 'string' && parsed.tag !== undefined, `.github/pins/Dockerfile (${service.name})`, image,
        typeof parsed === 'string' ? `is not an image reference: it ${parsed}` : 'has no tag (the chart\'s appVersion)',
        `pin the image as "${runtimeServiceImage(service)}"`);
    }
  }
}

/** What the runtime services component reads. */
export interface RuntimeServicesProps {
  /** The app. */
  readonly app: VehicleApp;
  /** The app's image. */
  readonly image: ContainerImage;
  /** The resolved runtime-service settings. */
  readonly settings: RuntimeServiceSettings;
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
  private readonly props: RuntimeServicesProps;

  public constructor(project: Project, props: RuntimeServicesProps) {
    super(project);
    this.props = props;
    const settings = props.settings;
    this.databroker = settings.databroker;
    this.mqttBroker = settings.mqttBroker;
    this.databrokerSignals = settings.databrokerSignals;
    tryAddValidation(project, problems => settings._validate(problems));
    if (settings.kanto) {
      this.kantoDir = 'deploy/kanto';
      this.writeKanto(this.kantoDir);
    }
  }

  /** The VSS JSON the databroker serves, as text. */
  public vssJson(): string {
    return this.props.settings.vssJson();
  }

  private writeKanto(dir: string): void {
    const project = this.project;
    const { app, image, settings } = this.props;
    // Kanto resolves other containers through extra_hosts "name:container_<name>-host".
    const services = [...(this.databroker ? [DATABROKER.name] : []), ...(this.mqttBroker ? [MQTT_BROKER.name] : []),
      ...app.manifest.requiredGrpcServices.map(s => grpcServiceHost(s.serviceName))];
    const hosts = services.map(name => `${name}:container_${name}-host`);
    const env = app.environment(app._endpointsIn(KANTO_NETWORK));
    new JsonFile(project, `${dir}/${app.name}.json`, {
      marker: false,
      newline: true,
      obj: () => kantoContainer({
        name: app.name,
        image: image.reference(app.version),
        env: env.map(e => `${e.name}=${e.value}`),
        extraHosts: hosts,
        ports: app.ports.map(p => ({ container: p.port, host: p.port })),
        memory: '128M',
      }),
    });
    if (this.databroker) {
      new JsonFile(project, `${dir}/${DATABROKER.name}.json`, {
        marker: false,
        newline: true,
        obj: () => kantoContainer({
          name: DATABROKER.name,
          image: settings.databrokerImage,
          env: kantoEnv(DATABROKER.env),
          cmd: [...DATABROKER.args],
          ports: [{ container: DATABROKER.port, host: DATABROKER.port }],
          // Copy vss.json (beside this manifest) to this host path on the device.
          mounts: [{ source: `/data/var/kuksa/${DATABROKER.vssFile}`, destination: `${DATABROKER.vssDir}/${DATABROKER.vssFile}` }],
          memory: '128M',
        }),
      });
      new JsonFile(project, `${dir}/${DATABROKER.vssFile}`, { marker: false, newline: true, obj: () => JSON.parse(this.vssJson()) });
    }
    if (this.mqttBroker) {
      new JsonFile(project, `${dir}/${MQTT_BROKER.name}.json`, {
        marker: false,
        newline: true,
        obj: () => kantoContainer({
          name: MQTT_BROKER.name,
          image: settings.mqttBrokerImage,
          env: kantoEnv(MQTT_BROKER.env),
          cmd: [...MQTT_BROKER.args],
          ports: [{ container: MQTT_BROKER.port, host: MQTT_BROKER.port }],
          memory: '64M',
        }),
      });
    }
  }
}

/**
 * The runtime options' problems, checked before any component is built.
 * @internal
 */
export function checkRuntimeServicesOptions(problems: Problems, options: RuntimeServicesOptions): void {
  if (options.databrokerSignals === undefined) return;
  problems.check(Object.values(DatabrokerSignals).includes(options.databrokerSignals), 'runtime.databrokerSignals', options.databrokerSignals,
    'is not a choice of signals for the databroker', 'use DatabrokerSignals.APP or DatabrokerSignals.ALL');
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

/** An environment as Kanto takes it: `NAME=value` lines. */
function kantoEnv(env: { readonly [name: string]: string }): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
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
