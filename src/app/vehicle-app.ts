import { AppManifest } from './app-manifest';
import {
  DATABROKER, GRPC_SERVICE_PORT, grpcServiceHost, localNetwork, MQTT_BROKER, ServiceNetwork,
} from '../runtime/runtime-service-catalogue';
import { Problems, rules } from '../validation';
import { AppSignals } from '../vss/app-signals';

/** Line breaks and other control characters: no Dockerfile or YAML scalar we write can carry them as given. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The language an app is written in; it picks the sample sources, the Dockerfile preset and the test tools. */
export enum AppLanguage {
  /** Python on the Velocitas Python SDK. */
  PYTHON = 'python',
  /** C++ with CMake. */
  CPP = 'cpp',
}

/** Log levels the Velocitas SDKs understand through `LOGLEVEL`. */
export enum LogLevel {
  DEBUG = 'debug',
  INFO = 'info',
  WARNING = 'warning',
  ERROR = 'error',
}

/** A port the app serves. */
export interface AppPort {
  /** Port name (IANA service name style, at most 15 characters), e.g. `grpc`. */
  readonly name: string;
  /** Container port number. */
  readonly port: number;
}

/** One environment variable of the app's contract. */
export interface EnvVariable {
  /** Variable name. */
  readonly name: string;
  /** Value. */
  readonly value: string;
  /** Why the app reads it. */
  readonly description: string;
}

/** Where the app finds its services; each renderer fills in the addresses of its own world. */
export interface ServiceEndpoints {
  /**
   * Address of the KUKSA databroker.
   * @default 'grpc://localhost:55555'
   */
  readonly vehicleDataBroker?: string;
  /**
   * Address of the MQTT broker.
   * @default 'mqtt://localhost:1883'
   */
  readonly mqttBroker?: string;
  /**
   * Addresses of required gRPC services, by service name.
   * @default - `grpc://localhost:<port>` for each, ports from 50051 on that neither the app nor another service uses
   */
  readonly grpcServices?: { [serviceName: string]: string };
}

/** Options of the vehicle app model. */
export interface VehicleAppOptions {
  /** App name: a DNS-1123 label, used for the image, the chart and Kubernetes objects. */
  readonly name: string;
  /** The app's language. */
  readonly language: AppLanguage;
  /** The app's version (semver). */
  readonly version: string;
  /**
   * One-line description.
   * @default - none
   */
  readonly description?: string;
  /** The app's manifest. */
  readonly manifest: AppManifest;
  /**
   * Ports the app serves.
   * @default - `grpc` 50051 when the manifest provides a gRPC service, else none
   */
  readonly ports?: AppPort[];
  /**
   * Value of `LOGLEVEL`.
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;
  /**
   * More environment variables, set after the contract (they may override it).
   * @default {}
   */
  readonly env?: { [name: string]: string };
  /**
   * Directory a vehicle-signal interface's local VSS file (`src` given as a path) is read relative to.
   * @default - the current working directory
   */
  readonly projectDir?: string;
}


/**
 * The vehicle app: what it is, what it talks to, and the environment it reads.
 * Every renderer (Dockerfile, chart, workflows, devcontainer) reads the app from here.
 */
export class VehicleApp {
  /** DNS-1123 app name. */
  public readonly name: string;
  /** Language. */
  public readonly language: AppLanguage;
  /** Version. */
  public readonly version: string;
  /** Description. */
  public readonly description?: string;
  /** The manifest. */
  public readonly manifest: AppManifest;
  /** Ports served, one per name (a repeated name is reported by the checks). */
  public readonly ports: AppPort[];
  /** Log level. */
  public readonly logLevel: LogLevel;
  /**
   * The VSS facts (type, datatype, unit, range, allowed values) of the signals the manifest names.
   * @internal
   */
  public readonly _signals: AppSignals;
  private readonly extraEnv: { [name: string]: string };
  /** The ports as the options list them, for the checks. */
  private readonly declaredPorts: AppPort[];

  public constructor(options: VehicleAppOptions) {
    this.name = options.name;
    this.language = options.language;
    this.version = options.version;
    this.description = options.description;
    this.manifest = options.manifest;
    this.declaredPorts = [...(options.ports ?? (options.manifest.providedGrpcServices.length > 0 ? [{ name: 'grpc', port: GRPC_SERVICE_PORT }] : []))];
    // Every renderer takes each port name and number once, so a duplicate reaches the user as a problem, not a crash.
    this.ports = this.declaredPorts.filter((p, i, all) => all.findIndex(q => q.name === p.name || q.port === p.port) === i);
    this.logLevel = options.logLevel ?? LogLevel.INFO;
    this.extraEnv = { ...(options.env ?? {}) };
    this._signals = new AppSignals(options.manifest, options.projectDir ?? process.cwd());
  }

  /**
   * The env contract: `SDV_*` addresses derived from the manifest, `LOGLEVEL`, then the app's own variables.
   * @param endpoints where the services are; defaults are the localhost addresses of one machine (the SDKs' defaults)
   */
  /**
   * Names of the env variables set in the options (literal values everywhere).
   * @internal
   */
  public _extraEnvNames(): string[] {
    return Object.keys(this.extraEnv);
  }

  public environment(endpoints?: ServiceEndpoints): EnvVariable[] {
    const local = this._endpointsIn(localNetwork(this.ports.map(p => p.port)));
    const at = { ...local, ...endpoints, grpcServices: { ...local.grpcServices, ...endpoints?.grpcServices } };
    const vars: EnvVariable[] = [
      { name: 'SDV_MIDDLEWARE_TYPE', value: 'native', description: 'Services are found through SDV_*_ADDRESS variables, not a service mesh.' },
    ];
    if (this.manifest.usesVehicleSignals) {
      vars.push({ name: 'SDV_VEHICLEDATABROKER_ADDRESS', value: at.vehicleDataBroker!, description: 'KUKSA databroker for the VSS signals in the AppManifest.' });
    }
    if (this.manifest.usesPubSub) {
      vars.push({ name: 'SDV_MQTT_ADDRESS', value: at.mqttBroker!, description: 'MQTT broker for the pubsub topics in the AppManifest.' });
    }
    for (const service of this.manifest.requiredGrpcServices) {
      vars.push({
        name: service.addressVariable,
        value: at.grpcServices[service.serviceName],
        description: `gRPC service ${service.serviceName} (${service.src}).`,
      });
    }
    vars.push({ name: 'LOGLEVEL', value: this.logLevel, description: 'Log level of the Velocitas SDK.' });
    for (const [name, value] of Object.entries(this.extraEnv)) {
      const existing = vars.findIndex(v => v.name === name);
      const variable = { name, value, description: 'Set in the project options.' };
      if (existing >= 0) vars[existing] = variable;
      else vars.push(variable);
    }
    return vars;
  }

  /**
   * The addresses of the app's services in one network model (Kubernetes, Kanto, one machine).
   * @internal
   */
  public _endpointsIn(network: ServiceNetwork): ServiceEndpoints {
    const address = (scheme: string, host: string, port: number) => `${scheme}://${host}:${port}`;
    return {
      vehicleDataBroker: address(DATABROKER.scheme, network.runtimeServiceHost(DATABROKER), DATABROKER.port),
      mqttBroker: address(MQTT_BROKER.scheme, network.runtimeServiceHost(MQTT_BROKER), MQTT_BROKER.port),
      grpcServices: Object.fromEntries(this.manifest.requiredGrpcServices.map((service, i) => {
        const at = network.grpcServiceAddress(grpcServiceHost(service.serviceName), i);
        return [service.serviceName, address('grpc', at.host, at.port)];
      })),
    };
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    const suggestion = String(this.name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'my-vehicle-app';
    problems.check(rules.isDnsLabel(this.name), `${path}name`, this.name, rules.dnsLabelRule, `use ${JSON.stringify(suggestion)}`);
    problems.check(rules.isSemver(this.version), `${path}version`, this.version, rules.semverRule, 'use e.g. "0.1.0"');
    problems.check(Object.values(LogLevel).includes(this.logLevel), `${path}logLevel`, this.logLevel, 'is not a known log level', 'use LogLevel.INFO, DEBUG, WARNING or ERROR');
    const portNames = new Set<string>();
    this.declaredPorts.forEach((p, i) => {
      problems.check(rules.isPort(p.port), `${path}ports[${i}].port`, p.port, rules.portRule, 'use e.g. 50051');
      problems.check(typeof p.name === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.name) && p.name.length <= 15 && /[a-z]/.test(p.name),
        `${path}ports[${i}].name`, p.name, 'is not a port name (lowercase letters, digits and "-", at most 15 characters, with a letter)', 'use e.g. "grpc"');
      problems.check(!portNames.has(p.name), `${path}ports[${i}].name`, p.name, 'is used by another port', 'give each port its own name');
      portNames.add(p.name);
      // Kubernetes (and cdk8s-plus, which throws) allow one container port per number and protocol.
      const first = this.declaredPorts.findIndex(q => q.port === p.port);
      problems.check(first === i, `${path}ports[${i}].port`, p.port, `is the number of ports[${first}] too, and a container serves each port number once`,
        'give each port its own number');
    });
    for (const [name, value] of Object.entries(this.extraEnv)) {
      problems.check(rules.isEnvName(name), `${path}env.${name}`, name, rules.envNameRule, 'use e.g. "SEAT_SPEED_LIMIT"');
      problems.check(typeof value === 'string' && !CONTROL_CHARACTER.test(value), `${path}env.${name}`, value,
        'is not a one-line string (it holds a line break or another control character, which the Dockerfile and the chart cannot carry)',
        'write the value on one line; pass multi-line configuration as a file');
      // Buildah reads "a\\" right, but hadolint (and so the project's own checks) cannot parse it.
      problems.check(typeof value !== 'string' || !value.endsWith('\\'), `${path}env.${name}`, value,
        'ends with a backslash, which Dockerfile linters misread as escaping the closing quote', 'drop the trailing backslash');
    }
    if (this.description !== undefined) {
      problems.check(!CONTROL_CHARACTER.test(this.description), `${path}description`, this.description,
        'is not one line (it holds a line break or another control character)', 'write a one-line description');
    }
  }
}
