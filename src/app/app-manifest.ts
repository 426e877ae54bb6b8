import * as fs from 'fs';
import {
  AppInterface, CustomInterface, DatapointAccess, DEFAULT_VSS_SRC, GrpcInterface, InterfaceType, PubSubInterface,
  RequiredDatapoint, VehicleSignalInterface,
} from './app-interface';
import { Problems } from '../validation';

/** Options of an AppManifest. */
export interface AppManifestOptions {
  /** The app name as written in the manifest, e.g. `SeatAdjusterApp` or `seat-adjuster`. */
  readonly name: string;
  /**
   * The interfaces the app uses or provides.
   * @default []
   */
  readonly interfaces?: AppInterface[];
  /**
   * Top-level keys of the manifest this library does not model (e.g. `annotations`), written back unchanged.
   * @default {}
   */
  readonly additionalProperties?: { [key: string]: any };
}

/** Where a manifest was read from: the file and the JSON paths of its interfaces' `type` and `config`. */
interface ManifestOrigin {
  readonly source: string;
  readonly interfaces: ReadonlyArray<{ readonly typeAt: string; readonly configAt: string; readonly raw: any }>;
}

/**
 * The Velocitas AppManifest: the app's name and the interfaces it uses or provides.
 *
 * Writes v3. Reads v3 and the older v1/v2 array formats (`AppManifest.fromFile`), normalizing what
 * real manifests got wrong and rejecting what cannot be understood with the file, JSON path and problem.
 * What a v1/v2 manifest holds that v3 cannot (dapr, ports, runtime containers, ...) is listed in `migrationNotes`.
 */
export class AppManifest {
  /** Reads an AppManifest.json (v3, or the v1/v2 array formats). Throws naming the file, JSON path and problem. */
  public static fromFile(filePath: string): AppManifest {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8');
    } catch (e: any) {
      throw new Error(`${filePath}: cannot read the AppManifest (${e.code ?? e.message}). Fix: pass the path of an existing AppManifest.json.`);
    }
    let json: any;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e: any) {
      throw new Error(`${filePath}: $: is not valid JSON (${e.message}). Fix: repair the JSON syntax.`);
    }
    return AppManifest.fromJson(json, filePath);
  }

  /**
   * Reads a parsed AppManifest (v3, or the v1/v2 array formats).
   * @param json the parsed JSON
   * @param source where it came from, used in error messages
   */
  public static fromJson(json: any, source?: string): AppManifest {
    return new ManifestReader(source ?? 'AppManifest').read(json);
  }

  /** The app name as written in the manifest. */
  public readonly name: string;
  /** Top-level keys this library does not model, written back unchanged. */
  public readonly additionalProperties: { [key: string]: any };
  private readonly _interfaces: AppInterface[];
  private readonly _migrationNotes: string[] = [];
  private _origin?: ManifestOrigin;

  public constructor(options: AppManifestOptions) {
    this.name = options.name;
    this._interfaces = [...(options.interfaces ?? [])];
    this.additionalProperties = JSON.parse(JSON.stringify(options.additionalProperties ?? {}));
  }

  /** @internal */
  public _setOrigin(origin: ManifestOrigin): void {
    this._origin = origin;
  }

  /**
   * What reading a v1/v2 manifest could not carry over: one note per dropped key or entry, naming its
   * JSON path and value and what to do instead in v3 or `.projenrc.ts`. Empty for v3 input and for
   * manifests built in code. VehicleAppProject prints them as warnings.
   */
  public get migrationNotes(): string[] {
    return [...this._migrationNotes];
  }

  /** @internal */
  public _addMigrationNotes(notes: string[]): void {
    this._migrationNotes.push(...notes);
  }

  /** All interfaces in manifest order. */
  public get interfaces(): AppInterface[] {
    return [...this._interfaces];
  }

  /** Adds an interface and returns it. */
  public addInterface(appInterface: AppInterface): AppInterface {
    this._interfaces.push(appInterface);
    return appInterface;
  }

  /** The vehicle-signal interfaces. */
  public get vehicleSignalInterfaces(): VehicleSignalInterface[] {
    return this._interfaces.filter((i): i is VehicleSignalInterface => i instanceof VehicleSignalInterface);
  }

  /** The gRPC interfaces. */
  public get grpcInterfaces(): GrpcInterface[] {
    return this._interfaces.filter((i): i is GrpcInterface => i instanceof GrpcInterface);
  }

  /** The pubsub interfaces. */
  public get pubSubInterfaces(): PubSubInterface[] {
    return this._interfaces.filter((i): i is PubSubInterface => i instanceof PubSubInterface);
  }

  /** The app talks to the KUKSA databroker. */
  public get usesVehicleSignals(): boolean {
    return this.vehicleSignalInterfaces.length > 0;
  }

  /** The app talks to an MQTT broker. */
  public get usesPubSub(): boolean {
    return this.pubSubInterfaces.length > 0;
  }

  /** gRPC services the app calls as a client. */
  public get requiredGrpcServices(): GrpcInterface[] {
    return this.grpcInterfaces.filter(g => g.isRequired);
  }

  /** gRPC services the app serves. */
  public get providedGrpcServices(): GrpcInterface[] {
    return this.grpcInterfaces.filter(g => g.provided);
  }

  /** The VSS JSON the app is written against (first vehicle-signal interface). */
  public get vssSource(): string | undefined {
    return this.vehicleSignalInterfaces[0]?.src;
  }

  /** The manifest as AppManifest.json v3. */
  public toJson(): any {
    return {
      ...JSON.parse(JSON.stringify(this.additionalProperties)),
      manifestVersion: 'v3',
      name: this.name,
      interfaces: this._interfaces.map(i => ({ type: i.type, config: i.toConfig() })),
    };
  }

  /** @internal */
  public _validate(problems: Problems, path: string): void {
    const at = (key: string) => (path ? `${path}.${key}` : key);
    problems.check(typeof this.name === 'string' && this.name.trim().length > 0 && this.name.length <= 253,
      at('name'), this.name, 'is not an app name (a non-empty string of at most 253 characters)', 'give the app a name, e.g. "SeatAdjuster"');
    const grpcNames = new Map<string, number>();
    this._interfaces.forEach((appInterface, i) => {
      const interfaceAt = at(`interfaces[${i}]`);
      // An interface read from a file is reported at the file and JSON path the user can open and fix.
      const origin = this._origin?.interfaces[i];
      const found = origin ? new Problems('') : problems;
      appInterface._validate(found, interfaceAt);
      if (appInterface instanceof GrpcInterface) {
        const variable = appInterface.addressVariable;
        const earlier = grpcNames.get(variable);
        found.check(earlier === undefined, `${interfaceAt}.serviceName`, appInterface.serviceName,
          `gives the same address variable ${variable} as interfaces[${earlier}]`, 'set a distinct serviceName on one of them');
        grpcNames.set(variable, i);
      }
      if (origin) {
        for (const problem of found.list) {
          problems.addRendered(`${this._origin!.source}: ${jsonPathOf(problem.path.slice(interfaceAt.length), appInterface, origin)}`, problem.value, problem.rule, problem.fix);
        }
      }
    });
  }
}

/** The JSON key path of a model list of an interface. */
const MODEL_TO_JSON_KEY: { readonly [modelKey: string]: string } = {
  reads: 'reads',
  writes: 'writes',
  unitSrc: 'unit_src',
  requiredMethods: 'required.methods',
  required: 'datapoints.required',
  provided: 'datapoints.provided',
};

/**
 * The JSON path in the source file of a problem found on a read interface, from its model path
 * (`.src`, `.reads[2]`, `.requiredMethods[0]`, ...): model names differ from JSON keys, and the reader
 * dropped duplicate topics, so indexes are looked up by value.
 */
function jsonPathOf(modelPath: string, appInterface: AppInterface, origin: ManifestOrigin['interfaces'][number]): string {
  const config = origin.configAt;
  if (modelPath === '.type') return origin.typeAt;
  if (modelPath === '.config' || modelPath === '') return config;
  // The service name of a read grpc-interface is derived from its src.
  if (modelPath === '.serviceName') return `${config}.src`;
  const indexed = /^\.(reads|writes|unitSrc|requiredMethods|required|provided)\[(\d+)\](.*)$/.exec(modelPath);
  if (!indexed) return `${config}${modelPath}`;
  const [, key, index, rest] = indexed;
  const keyPath = MODEL_TO_JSON_KEY[key];
  const modelList = (appInterface as any)[key] as any[];
  const rawList = keyPath.split('.').reduce((value: any, k) => value?.[k], origin.raw);
  const rawIndex = (key === 'reads' || key === 'writes') && Array.isArray(rawList) ? rawList.indexOf(modelList[Number(index)]) : Number(index);
  return `${config}.${keyPath}[${rawIndex < 0 ? index : rawIndex}]${rest}`;
}

/** Turns parsed JSON into the model; every rejection names the source, the JSON path and the problem. */
class ManifestReader {
  /** Parts of a v1/v2 manifest that have no v3 form: JSON path, value, and what to do instead. */
  private readonly notes: string[] = [];

  public constructor(private readonly source: string) {}

  public read(json: any): AppManifest {
    const manifest = this.readShape(json);
    manifest._addMigrationNotes(this.notes);
    return manifest;
  }

  private readShape(json: any): AppManifest {
    if (Array.isArray(json)) {
      if (json.length === 0) this.fail('$', 'is an empty array; the v1/v2 formats hold one app object', 'add the app object or write a v3 manifest');
      const manifest = this.readLegacy(json[0], '$[0]');
      json.slice(1).forEach((other, i) => this.note(`$[${i + 1}]`, isObject(other) ? other.name ?? other.Name : other,
        'a project holds one app; this one was dropped. Create a project per app'));
      return manifest;
    }
    if (!isObject(json)) this.fail('$', `is ${describe(json)}, not an AppManifest object`, 'write a v3 manifest object with manifestVersion, name and interfaces');
    // The shape decides, not the declared version: real v3-shaped files say "v1".
    if ('interfaces' in json || json.manifestVersion === 'v3') return this.readV3(json);
    if ('Name' in json || 'vehicleModel' in json || 'VehicleModel' in json) return this.readLegacy(json, '$');
    this.fail('$', `is not a Velocitas AppManifest (top-level keys: ${Object.keys(json).join(', ') || 'none'})`,
      'expected {"manifestVersion": "v3", "name": ..., "interfaces": [...]} or the v1/v2 array of apps');
  }

  private readV3(json: any): AppManifest {
    const { manifestVersion: _version, name: rawName, interfaces: rawInterfaces, ...additionalProperties } = json;
    const name = this.readName(rawName, '$.name');
    const entries = this.interfaceEntries(rawInterfaces ?? []);
    const interfaces = entries.map(entry => this.readInterface(entry));
    const manifest = new AppManifest({ name, interfaces, additionalProperties });
    const origins = entries.map(({ typeAt, configAt, raw }) => ({ typeAt, configAt, raw: raw.config ?? {} }));
    manifest._setOrigin({ source: this.source, interfaces: origins });
    return manifest;
  }

  /** The interfaces with the JSON paths of their type and config: an array, or an object keyed by type. */
  private interfaceEntries(rawInterfaces: any): InterfaceEntry[] {
    if (Array.isArray(rawInterfaces)) {
      return rawInterfaces.map((raw, i) => ({ raw, at: `$.interfaces[${i}]`, typeAt: `$.interfaces[${i}].type`, configAt: `$.interfaces[${i}].config` }));
    }
    if (!isObject(rawInterfaces)) this.fail('$.interfaces', `is ${describe(rawInterfaces)}`, 'make interfaces an array of {type, config} objects');
    if (typeof rawInterfaces.type === 'string') {
      this.fail('$.interfaces', `is one interface object ({"type": ${JSON.stringify(rawInterfaces.type)}, ...}), not an array of them`,
        `wrap it in brackets: "interfaces": [{"type": ${JSON.stringify(rawInterfaces.type)}, "config": {...}}]`);
    }
    // Some manifests keyed interfaces by type; each value is that interface's config.
    return Object.entries(rawInterfaces).map(([type, config]) => {
      const at = `$.interfaces${jsonKey(type)}`;
      return { raw: { type, config }, at, typeAt: at, configAt: at };
    });
  }

  private readInterface({ raw, at, typeAt, configAt }: InterfaceEntry): AppInterface {
    if (!isObject(raw)) this.fail(at, `is ${describe(raw)}, not an interface object`, 'write {"type": ..., "config": {...}}');
    if (typeof raw.type !== 'string' || raw.type.length === 0) this.fail(typeAt, 'is missing', 'name the interface type, e.g. "vehicle-signal-interface"');
    const config = raw.config ?? {};
    if (!isObject(config)) this.fail(configAt, `is ${describe(config)}, not an object`, 'make config an object');
    switch (raw.type) {
      case InterfaceType.VEHICLE_SIGNAL:
        return this.readVehicleSignals(config, configAt);
      case InterfaceType.GRPC:
        return this.readGrpc(config, configAt);
      case InterfaceType.PUBSUB:
        return this.readPubSub(config, configAt);
      default:
        return new CustomInterface(raw.type, config);
    }
  }

  private readVehicleSignals(config: any, at: string): VehicleSignalInterface {
    const { src, unit_src: unitSrc, datapoints, ...additionalConfig } = config;
    if (src !== undefined && typeof src !== 'string') this.fail(`${at}.src`, `is ${describe(src)}`, 'give the VSS JSON URL or path as a string');
    if (unitSrc !== undefined && !(Array.isArray(unitSrc) && unitSrc.every((u: any) => typeof u === 'string'))) {
      this.fail(`${at}.unit_src`, `is ${describe(unitSrc)}`, 'give an array of unit file URLs or paths');
    }
    const dp = datapoints ?? {};
    if (!isObject(dp)) this.fail(`${at}.datapoints`, `is ${describe(dp)}`, 'make datapoints an object with "required" and "provided" arrays');
    const required = this.readRequiredDatapoints(dp.required ?? [], `${at}.datapoints.required`);
    const providedRaw = dp.provided ?? [];
    if (!Array.isArray(providedRaw)) this.fail(`${at}.datapoints.provided`, `is ${describe(providedRaw)}`, 'make provided an array of {path}');
    const provided = (providedRaw as any[]).map((d, i) => ({ path: this.readPath(d?.path, `${at}.datapoints.provided[${i}].path`) }));
    return new VehicleSignalInterface({ src: src ?? DEFAULT_VSS_SRC, unitSrc, required, provided, additionalConfig });
  }

  private readRequiredDatapoints(raw: any, at: string): RequiredDatapoint[] {
    if (!Array.isArray(raw)) this.fail(at, `is ${describe(raw)}`, 'make required an array of {path, access}');
    const result: RequiredDatapoint[] = [];
    (raw as any[]).forEach((d, i) => {
      const here = `${at}[${i}]`;
      if (!isObject(d)) this.fail(here, `is ${describe(d)}, not a datapoint`, 'write {"path": "Vehicle.Speed", "access": "read"}');
      const { path, access, optional, required: legacyRequired, ...rest } = d;
      const unknown = Object.keys(rest);
      if (unknown.length > 0) this.fail(`${here}.${unknown[0]}`, 'is not a datapoint key (path, access, optional)', 'remove it');
      const normalizedPath = this.readPath(path, `${here}.path`);
      const normalizedAccess = this.readAccess(access, `${here}.access`);
      // v2 wrote required: "true"/"false"; v3 says optional.
      const isOptional = optional !== undefined ? this.readBoolean(optional, `${here}.optional`)
        : legacyRequired !== undefined ? !this.readBoolean(legacyRequired, `${here}.required`) : false;
      if (result.some(r => r.path === normalizedPath && r.access === normalizedAccess)) return;
      const datapoint = { path: normalizedPath, access: normalizedAccess };
      result.push(isOptional ? { ...datapoint, optional: true } : datapoint);
    });
    return result;
  }

  private readGrpc(config: any, at: string): GrpcInterface {
    const { src, required, provided, ...additionalConfig } = config;
    if (typeof src !== 'string' || src.length === 0) this.fail(`${at}.src`, `is ${describe(src)}`, 'give the URL or path of the .proto file');
    let requiredMethods: string[] = [];
    if (required !== undefined) {
      if (!isObject(required)) this.fail(`${at}.required`, `is ${describe(required)}`, 'write {"methods": ["Name"]}');
      const { methods, ...rest } = required;
      const unknown = Object.keys(rest);
      if (unknown.length > 0) {
        this.fail(`${at}.required.${unknown[0]}`, 'is not a key of required (only "methods")',
          unknown[0].toLowerCase().startsWith('m') ? 'did you mean "methods"? Rename the key' : 'remove it');
      }
      const list = methods ?? [];
      if (!Array.isArray(list) || !list.every((m: any) => typeof m === 'string')) this.fail(`${at}.required.methods`, `is ${describe(list)}`, 'list method names as strings');
      requiredMethods = list;
    }
    if (provided !== undefined && !isObject(provided)) this.fail(`${at}.provided`, `is ${describe(provided)}`, 'write "provided": {}');
    return new GrpcInterface({ src, requiredMethods, provided: provided !== undefined, additionalConfig });
  }

  private readPubSub(config: any, at: string): PubSubInterface {
    const { reads, writes, ...additionalConfig } = config;
    return new PubSubInterface({
      reads: this.readTopics(reads, `${at}.reads`),
      writes: this.readTopics(writes, `${at}.writes`),
      additionalConfig,
    });
  }

  private readLegacy(app: any, at: string): AppManifest {
    if (!isObject(app)) this.fail(at, `is ${describe(app)}, not an app object`, 'write the app as an object');
    // v1 spells keys with capitals (Name, VehicleModel); v2 in camelCase (name, vehicleModel).
    const nameKey = 'name' in app ? 'name' : 'Name';
    const name = this.readName(app[nameKey], `${at}.${nameKey}`);
    const modelKey = 'vehicleModel' in app ? 'vehicleModel' : 'VehicleModel';
    const model = app[modelKey];
    const modelAt = `${at}.${modelKey}`;
    const interfaces: AppInterface[] = [];
    if (model !== undefined) {
      if (!isObject(model)) this.fail(modelAt, `is ${describe(model)}`, 'write {"src": ..., "datapoints": [...]}');
      if (model.src !== undefined && typeof model.src !== 'string') this.fail(`${modelAt}.src`, `is ${describe(model.src)}`, 'give the VSS JSON URL or path');
      interfaces.push(new VehicleSignalInterface({
        src: model.src ?? DEFAULT_VSS_SRC,
        required: this.readRequiredDatapoints(model.datapoints ?? [], `${modelAt}.datapoints`),
      }));
      for (const key of Object.keys(model).filter(k => k !== 'src' && k !== 'datapoints')) {
        this.note(`${modelAt}.${key}`, model[key], 'is not part of a v3 vehicle-signal-interface; dropped');
      }
    }
    const legacy = { hasModel: model !== undefined, usesMqtt: false };
    for (const [key, value] of Object.entries(app)) {
      const here = `${at}.${key}`;
      if (key === nameKey || key === modelKey) continue;
      switch (key) {
        case 'runtime':
          this.readV2Runtime(value, here, legacy);
          break;
        case 'dependencies':
          this.readV1Dependencies(value, here, legacy);
          break;
        case 'Port':
          this.note(here, value, value === -1
            ? 'v1 wrote -1 for "serves no port"; v3 manifests hold no ports. If the app serves one, set `ports` in .projenrc.ts'
            : 'the port dapr reached the app on; without dapr (v3) it is usually not needed. Only if the app itself serves gRPC '
              + `there, set \`ports\` in .projenrc.ts, e.g. ports: [{ name: 'grpc', port: ${JSON.stringify(value)} }] (the chart then probes it)`);
          break;
        case 'DAPR_GRPC_PORT':
          this.note(here, value, 'Velocitas v3 has no dapr middleware; dropped (the app reaches its services through the SDV_* variables)');
          break;
        case 'Dockerfile':
          this.note(here, value, 'the Dockerfile is generated by projen-velocitas (app/Dockerfile); '
            + 'change it with `container` options or `project.dockerfile` in .projenrc.ts');
          break;
        default:
          this.note(here, value, 'is not a key of the v1/v2 formats projen-velocitas knows; dropped');
      }
    }
    if (legacy.usesMqtt) interfaces.push(new PubSubInterface({}));
    return new AppManifest({ name, interfaces });
  }

  /** v2 `runtime`: service URIs such as `grpc://sdv.databroker.v1.Broker/GetDatapoints`, and `mqtt`. */
  private readV2Runtime(runtime: any, at: string, legacy: { hasModel: boolean; usesMqtt: boolean }): void {
    if (!Array.isArray(runtime)) {
      this.note(at, runtime, 'is not a list of runtime services; dropped. Describe what the app uses with interfaces');
      return;
    }
    runtime.forEach((entry, i) => {
      const here = `${at}[${i}]`;
      const grpc = typeof entry === 'string' ? /^grpc:\/\/([\w.]+)\/(\w+)$/.exec(entry) : null;
      if (entry === 'mqtt') {
        legacy.usesMqtt = true;
      } else if (grpc && /^sdv\.databroker\.v\d+\.Broker$/.test(grpc[1])) {
        if (!legacy.hasModel) this.note(here, entry, DATABROKER_WITHOUT_MODEL);
      } else if (grpc) {
        this.note(here, entry, `${REQUIRED_GRPC_SERVICE}, e.g. AppInterface.grpc({ src: '<URL of the .proto of ${grpc[1]}>', requiredMethods: ['${grpc[2]}'] })`);
      } else {
        this.note(here, entry, 'is not a runtime service projen-velocitas knows (mqtt or grpc://<service>/<method>); dropped');
      }
    });
  }

  /** v1 `dependencies`: gRPC services, runtime containers, the Python and dapr versions. */
  private readV1Dependencies(dependencies: any, at: string, legacy: { hasModel: boolean; usesMqtt: boolean }): void {
    if (!isObject(dependencies) || Object.keys(dependencies).length === 0) {
      this.note(at, dependencies, 'holds no dependencies projen-velocitas can read; dropped');
      return;
    }
    for (const [key, value] of Object.entries(dependencies as object)) {
      const here = `${at}.${key}`;
      if (key === 'services' && Array.isArray(value)) {
        value.forEach((service, i) => {
          const serviceName = isObject(service) && typeof service.name === 'string' ? service.name : '<name>';
          this.note(`${here}[${i}]`, service, `${REQUIRED_GRPC_SERVICE}, e.g. AppInterface.grpc({ src: '<URL of its .proto>', `
            + `serviceName: '${serviceName}', requiredMethods: [...] }); projen-velocitas does not deploy the service`);
        });
      } else if (key === 'runtime' && Array.isArray(value)) {
        value.forEach((service, i) => {
          const what = isObject(service) ? `${service.name} ${service.image}` : String(service);
          if (/mosquitto|mqtt/i.test(what)) {
            legacy.usesMqtt = true;
            this.note(`${here}[${i}]`, service, 'became a pubsub interface without topics (list them in reads/writes); '
              + 'the broker image is not part of a v3 manifest, projen-velocitas deploys its own (`runtime` options)');
          } else if (/databroker/i.test(what)) {
            this.note(`${here}[${i}]`, service, legacy.hasModel
              ? 'the VehicleModel became a vehicle-signal-interface, which implies the databroker; the image is not part of a v3 manifest, '
                + 'projen-velocitas deploys its own KUKSA databroker (`runtime` options)'
              : DATABROKER_WITHOUT_MODEL);
          } else {
            this.note(`${here}[${i}]`, service, 'is a runtime service v3 manifests do not describe; dropped. '
              + 'Deploy it yourself next to the app (e.g. a Helm release beside the app chart)');
          }
        });
      } else if (key === 'python') {
        this.note(here, value, 'the Python version comes from the base image in v3 (CI and the devcontainer follow it); '
          + 'set container.python.baseImage in .projenrc.ts, or let Dependabot bump its pin in .github/pins/Dockerfile');
      } else if (key === 'dapr') {
        this.note(here, value, 'Velocitas v3 has no dapr middleware; dropped');
      } else {
        this.note(here, value, 'is not a dependency projen-velocitas knows; dropped');
      }
    }
  }

  /** Records a part of a v1/v2 manifest that has no v3 form. */
  private note(at: string, value: any, text: string): void {
    this.notes.push(`${at} (${summarize(value)}): ${text}`);
  }

  private readName(value: any, at: string): string {
    if (typeof value !== 'string' || value.trim().length === 0) this.fail(at, `is ${describe(value)}`, 'give the app a name');
    return value.trim();
  }

  private readPath(value: any, at: string): string {
    if (typeof value !== 'string') this.fail(at, `is ${describe(value)}, not a VSS path`, 'write the path as a string, e.g. "Vehicle.Speed"');
    // Code pasted from a Python model (self.Vehicle.Speed) names the same signal.
    const path = value.trim().replace(/^self\./, '');
    if (!/^[A-Z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/.test(path)) {
      this.fail(at, `${JSON.stringify(value)} is not a VSS path (dot-separated names starting with a root branch)`, 'write the full path, e.g. "Vehicle.Speed"');
    }
    return path;
  }

  private readAccess(value: any, at: string): DatapointAccess {
    const normalized = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (normalized === DatapointAccess.READ || normalized === DatapointAccess.WRITE) return normalized;
    this.fail(at, `${JSON.stringify(value)} is not a datapoint access`, 'use "read" or "write"');
  }

  private readBoolean(value: any, at: string): boolean {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.fail(at, `${JSON.stringify(value)} is not a boolean`, 'use true or false');
  }

  private readTopics(value: any, at: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(at, `is ${describe(value)}`, 'list topics as an array of strings');
    (value as any[]).forEach((t, i) => {
      if (typeof t !== 'string') this.fail(`${at}[${i}]`, `is ${describe(t)}, not a topic`, 'write the topic as a string');
    });
    return [...new Set(value as string[])];
  }

  private fail(at: string, problem: string, fix: string): never {
    throw new Error(`${this.source}: ${at}: ${problem}. Fix: ${fix}.`);
  }
}

/** One interface of a v3 manifest and the JSON paths of it, its type and its config. */
interface InterfaceEntry {
  readonly raw: any;
  readonly at: string;
  readonly typeAt: string;
  readonly configAt: string;
}

/** `.key`, or `["key"]` when the key is not an identifier. */
function jsonKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const REQUIRED_GRPC_SERVICE = 'a required gRPC service is a grpc-interface with the service\'s .proto as src in v3; add one to interfaces';
const DATABROKER_WITHOUT_MODEL = 'the app uses the KUKSA databroker but the manifest has no VehicleModel; '
  + 'add a vehicle-signal-interface listing the datapoints it reads and writes, e.g. AppInterface.vehicleSignals({ required: [...] })';

/** A short rendering of a legacy value for a migration note: `"name", image:version` for a service. */
function summarize(value: any): string {
  if (isObject(value) && typeof value.name === 'string' && typeof value.image === 'string') {
    return `${JSON.stringify(value.name)}, ${value.image}${value.version !== undefined ? `:${value.version}` : ''}`;
  }
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function isObject(value: any): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: any): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
}
