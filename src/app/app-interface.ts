import type { ShapedOptions } from '../option-shapes';
import { Problems, rules } from '../validation';
import { DEFAULT_VSS_RELEASE, vssReleaseUrl } from '../vss/vss-catalogue';

/** How an app uses a required VSS datapoint. */
export enum DatapointAccess {
  /** The app reads or subscribes to the datapoint. */
  READ = 'read',
  /** The app sets the datapoint (actuator target or sensor value). */
  WRITE = 'write',
}

/** A VSS datapoint the app needs from the vehicle data broker. */
export interface RequiredDatapoint {
  /** VSS path, e.g. `Vehicle.Speed`: a signal of the interface's VSS source (`src`). */
  readonly path: string;
  /** Read or write access; `write` only on an actuator (its target value is what an app may set). */
  readonly access: DatapointAccess;
  /**
   * The app still works when the datapoint is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** A VSS datapoint the app provides to the vehicle data broker. */
export interface ProvidedDatapoint {
  /** VSS path, e.g. `Vehicle.Cabin.Seat.Row1.DriverSide.Position`: a signal of the interface's VSS source (`src`). */
  readonly path: string;
}

/** Options of a `vehicle-signal-interface`. */
export interface VehicleSignalInterfaceOptions {
  /**
   * The VSS the app is written against: the URL of a VSS release, or the path of a VSS JSON file in the project.
   *
   * Every datapoint is checked against it, and the databroker's VSS file, the vehicle model and the samples'
   * value checks take each signal's type, datatype, unit, range and allowed values from it.
   *
   * A release URL names a file `vss_rel_<version>.json` or `vss_release_<version>.json`, as COVESA and KUKSA
   * publish them. Releases 3.0, 3.1.1, 4.0, 4.1, 5.1 and 6.0 ship with projen-velocitas, so nothing is
   * downloaded. A path names a VSS JSON file (vss-tools' export) read at synth time relative to the project
   * directory: a VSS with signals or overlays of your own.
   * @default - VSS 4.0, the release the Velocitas templates use:
   * https://github.com/COVESA/vehicle_signal_specification/releases/download/v4.0/vss_rel_4.0.json
   */
  readonly src?: string;
  /**
   * URLs or paths of VSS unit files (VSS 4.x).
   * @default - none
   */
  readonly unitSrc?: string[];
  /**
   * Datapoints the app needs.
   * @default []
   */
  readonly required?: RequiredDatapoint[];
  /**
   * Datapoints the app provides.
   * @default []
   */
  readonly provided?: ProvidedDatapoint[];
  /**
   * Config keys this library does not model, written back unchanged.
   * @default - none
   */
  readonly additionalConfig?: { [key: string]: any };
}

/** Options of a `grpc-interface`. */
export interface GrpcInterfaceOptions {
  /** URL or path of the service's .proto file. */
  readonly src: string;
  /**
   * Name of the gRPC service, used for its address variable `SDV_<NAME>_ADDRESS`.
   * @default - the .proto file name without extension, e.g. `seats` for `seats.proto`
   */
  readonly serviceName?: string;
  /**
   * Methods the app calls as a client. Empty when the app only provides the service.
   * @default []
   */
  readonly requiredMethods?: string[];
  /**
   * The app implements (serves) this service.
   * @default false
   */
  readonly provided?: boolean;
  /**
   * Config keys this library does not model, written back unchanged.
   * @default - none
   */
  readonly additionalConfig?: { [key: string]: any };
}

/** Options of a `pubsub` interface (MQTT topics). */
export interface PubSubInterfaceOptions {
  /**
   * Topics (filters, wildcards allowed) the app subscribes to.
   * @default []
   */
  readonly reads?: string[];
  /**
   * Topics the app publishes to.
   * @default []
   */
  readonly writes?: string[];
  /**
   * Config keys this library does not model, written back unchanged.
   * @default - none
   */
  readonly additionalConfig?: { [key: string]: any };
}

/** The COVESA VSS release the Velocitas templates use, and a vehicle-signal interface without `src` gets: VSS 4.0. */
export const DEFAULT_VSS_SRC = vssReleaseUrl(DEFAULT_VSS_RELEASE);

/** Interface type names of the Velocitas AppManifest v3. */
export enum InterfaceType {
  VEHICLE_SIGNAL = 'vehicle-signal-interface',
  GRPC = 'grpc-interface',
  PUBSUB = 'pubsub',
}

/**
 * One entry of the AppManifest `interfaces` array.
 *
 * Create one with the static factories; an interface type this library does not know passes through
 * unchanged with `AppInterface.custom()`.
 */
export abstract class AppInterface {
  /** The app reads or writes VSS signals through the KUKSA databroker. */
  public static vehicleSignals(options: VehicleSignalInterfaceOptions): VehicleSignalInterface {
    return new VehicleSignalInterface(options);
  }

  /** The app calls or provides a gRPC service. */
  public static grpc(options: GrpcInterfaceOptions): GrpcInterface {
    return new GrpcInterface(options);
  }

  /** The app subscribes and publishes MQTT topics. */
  public static pubSub(options: PubSubInterfaceOptions): PubSubInterface {
    return new PubSubInterface(options);
  }

  /** An interface type this library does not model; its config is written back untouched. */
  public static custom(type: string, config: any): CustomInterface {
    return new CustomInterface(type, config);
  }

  /** The `type` field in the manifest. */
  public abstract readonly type: string;

  /** Config keys this library does not model, written back unchanged. */
  public readonly additionalConfig: { [key: string]: any };

  /**
   * The factory's options, checked against their struct with the project's options (.projenrc.ts is not type-checked).
   * @internal
   */
  public _shapedOptions?: ShapedOptions;

  protected constructor(additionalConfig?: { [key: string]: any }) {
    this.additionalConfig = JSON.parse(JSON.stringify(additionalConfig ?? {}));
  }

  /** The `config` object as written to AppManifest.json v3. */
  public toConfig(): any {
    return { ...JSON.parse(JSON.stringify(this.additionalConfig)), ...this.renderConfig() };
  }

  /** The modeled part of the `config` object. */
  protected abstract renderConfig(): any;

  /** @internal */
  public abstract _validate(problems: Problems, path: string): void;
}

/** A `vehicle-signal-interface`. */
export class VehicleSignalInterface extends AppInterface {
  public readonly type: string = InterfaceType.VEHICLE_SIGNAL;
  /** URL or path of the VSS JSON. */
  public readonly src: string;
  /** VSS unit files. */
  public readonly unitSrc: string[];
  /** Datapoints the app needs. */
  public readonly required: RequiredDatapoint[];
  /** Datapoints the app provides. */
  public readonly provided: ProvidedDatapoint[];

  public constructor(options: VehicleSignalInterfaceOptions) {
    super(options.additionalConfig);
    this._shapedOptions = { type: 'VehicleSignalInterfaceOptions', options };
    this.src = options.src ?? DEFAULT_VSS_SRC;
    this.unitSrc = [...listOf(options.unitSrc)];
    this.required = listOf(options.required).map(d => ({ ...d }));
    this.provided = listOf(options.provided).map(d => ({ ...d }));
  }

  protected renderConfig(): any {
    const config: any = { src: this.src };
    if (this.unitSrc.length > 0) config.unit_src = [...this.unitSrc];
    const datapoints: any = {
      required: this.required.map(d => (d.optional ? { path: d.path, access: d.access, optional: true } : { path: d.path, access: d.access })),
    };
    if (this.provided.length > 0) datapoints.provided = this.provided.map(d => ({ path: d.path }));
    config.datapoints = datapoints;
    return config;
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    const srcProblem = rules.urlOrPathProblem(this.src);
    problems.check(!srcProblem, `${path}.src`, this.src, srcProblem ?? '', 'give the https URL of a VSS JSON export or a path inside the project');
    this.unitSrc.forEach((u, i) => {
      const p = rules.urlOrPathProblem(u);
      problems.check(!p, `${path}.unitSrc[${i}]`, u, p ?? '', 'give the https URL or path of a VSS units file');
    });
    const seen = new Map<string, number>();
    this.required.forEach((d, i) => {
      const at = `${path}.required[${i}]`;
      problems.check(rules.isVssPath(d.path), `${at}.path`, d.path, rules.vssPathRule, 'write the full VSS path, e.g. "Vehicle.Cabin.Seat.Row1.DriverSide.Position"');
      problems.check(
        Object.values(DatapointAccess).includes(d.access),
        `${at}.access`, d.access, 'is not a known access (read or write)', 'use DatapointAccess.READ or DatapointAccess.WRITE',
      );
      const key = `${d.path}|${d.access}`;
      if (problems.check(!seen.has(key), at, d.path, `repeats required[${seen.get(key)}] with the same access`, 'list each path and access once')) {
        seen.set(key, i);
      }
    });
    this.provided.forEach((d, i) => {
      problems.check(rules.isVssPath(d.path), `${path}.provided[${i}].path`, d.path, rules.vssPathRule, 'write the full VSS path, e.g. "Vehicle.Speed"');
    });
  }
}

/** A `grpc-interface`. */
export class GrpcInterface extends AppInterface {
  public readonly type: string = InterfaceType.GRPC;
  /** URL or path of the .proto file. */
  public readonly src: string;
  /** Service name, used for `SDV_<NAME>_ADDRESS`. */
  public readonly serviceName: string;
  /** Methods called as a client. */
  public readonly requiredMethods: string[];
  /** The app serves this service. */
  public readonly provided: boolean;
  /** serviceName comes from the .proto file name. */
  private readonly serviceNameFromSrc: boolean;

  public constructor(options: GrpcInterfaceOptions) {
    super(options.additionalConfig);
    this._shapedOptions = { type: 'GrpcInterfaceOptions', options };
    this.src = options.src;
    this.serviceNameFromSrc = options.serviceName === undefined;
    this.serviceName = options.serviceName ?? serviceNameFromProto(options.src);
    this.requiredMethods = [...listOf(options.requiredMethods)];
    this.provided = options.provided ?? false;
  }

  /** The app calls this service (it lists required methods). */
  public get isRequired(): boolean {
    return this.requiredMethods.length > 0 || !this.provided;
  }

  /** Name of the environment variable holding the service address. */
  public get addressVariable(): string {
    return `SDV_${this.serviceName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_ADDRESS`;
  }

  protected renderConfig(): any {
    const config: any = { src: this.src };
    if (this.isRequired) config.required = { methods: [...this.requiredMethods] };
    if (this.provided) config.provided = {};
    return config;
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    const srcProblem = rules.urlOrPathProblem(this.src);
    let srcOk = problems.check(!srcProblem, `${path}.src`, this.src, srcProblem ?? '', 'give the https URL or project path of the .proto file');
    if (srcOk) {
      const folder = /[/\\]$/.test(this.src);
      srcOk = problems.check(/\.proto$/.test(this.src) || this.src.includes('?'), `${path}.src`, this.src,
        `names ${folder ? 'a folder' : 'no .proto file'}${this.serviceNameFromSrc ? ', so the service name (SDV_<NAME>_ADDRESS) cannot be derived from it' : ''}`,
        `point src at the service's .proto file, e.g. "${folder ? this.src : `${this.src.replace(/[^/\\]*$/, '')}`}seats.proto"; `
        + 'a folder of several services needs one grpc-interface per service');
    }
    // A name derived from a src that names no .proto file is already reported with the src.
    if (srcOk || !this.serviceNameFromSrc) {
      problems.check(
        /^[A-Za-z][A-Za-z0-9_-]*$/.test(this.serviceName), `${path}.serviceName`, this.serviceName,
        'is not a service name (letters, digits, "_" and "-", starting with a letter)', 'set serviceName, e.g. "seats"',
      );
    }
    this.requiredMethods.forEach((m, i) => {
      problems.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(m), `${path}.requiredMethods[${i}]`, m, 'is not a gRPC method name', 'use the method name as written in the .proto, e.g. "Move"');
    });
  }
}

/** A `pubsub` interface. */
export class PubSubInterface extends AppInterface {
  public readonly type: string = InterfaceType.PUBSUB;
  /** Topics subscribed to. */
  public readonly reads: string[];
  /** Topics published to. */
  public readonly writes: string[];

  public constructor(options: PubSubInterfaceOptions) {
    super(options.additionalConfig);
    this._shapedOptions = { type: 'PubSubInterfaceOptions', options };
    this.reads = [...listOf(options.reads)];
    this.writes = [...listOf(options.writes)];
  }

  protected renderConfig(): any {
    return { reads: [...this.reads], writes: [...this.writes] };
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    this.reads.forEach((t, i) => {
      const p = rules.mqttTopicProblem(t, true);
      problems.check(!p, `${path}.reads[${i}]`, t, p ?? '', 'use "/"-separated levels without spaces, e.g. "seatadjuster/setPosition/request"');
    });
    this.writes.forEach((t, i) => {
      const p = rules.mqttTopicProblem(t, false);
      problems.check(!p, `${path}.writes[${i}]`, t, p ?? '', 'publish to a concrete topic without "+" or "#", e.g. "seatadjuster/setPosition/response"');
    });
  }
}

/** An interface type this library does not model. */
export class CustomInterface extends AppInterface {
  public readonly type: string;
  private readonly config: any;

  public constructor(type: string, config: any) {
    super();
    this.type = type;
    this.config = config === undefined ? {} : JSON.parse(JSON.stringify(config));
  }

  protected renderConfig(): any {
    return JSON.parse(JSON.stringify(this.config));
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    problems.check(typeof this.type === 'string' && /^[a-z][a-z0-9-]*$/.test(this.type), `${path}.type`, this.type,
      'is not an interface type name (lowercase letters, digits and "-")', 'use the type name the consuming tool expects, e.g. "lattice"');
    problems.check(typeof this.config === 'object' && this.config !== null && !Array.isArray(this.config), `${path}.config`, this.config,
      'is not an object', 'pass the interface configuration as a JSON object');
  }
}

function serviceNameFromProto(src: string): string {
  const file = String(src ?? '').split(/[/\\]/).pop() ?? '';
  return file.replace(/\?.*$/, '').replace(/\.proto$/, '');
}

/** A list option as given, or none when it is of another kind (the option check reports that before anything reads it). */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
