import { DatapointAccess } from '../app/app-interface';
import { VehicleApp } from '../app/vehicle-app';
import { VssSignal } from '../vss/vss-signal';

/** A VSS signal the sample uses. */
export interface SampleSignal {
  /** Full VSS path. */
  readonly path: string;
  /** Path segments. */
  readonly segments: string[];
  /** What the app's VSS source says about the signal: type, datatype, unit, range, allowed values. */
  readonly vss: VssSignal;
  /** Where those facts come from, e.g. `VSS 4.0`. */
  readonly source: string;
  /** JSON field name in messages, from the leaf: `Position` → `position`. */
  readonly field: string;
  /** snake_case name of the leaf, a valid identifier: `IsOpen` → `is_open`. */
  readonly snake: string;
}

/** A runtime service the app reaches through the SDV_* env contract. */
export interface SampleService {
  /** Service name as the Velocitas service locator takes it (`SDV_<NAME>_ADDRESS`, upper-cased). */
  readonly name: string;
  /** The environment variable holding the address. */
  readonly variable: string;
  /** The address when the variable is unset. */
  readonly defaultAddress: string;
}

/** What the sample app does, derived from the manifest; the same for Python and C++. */
export interface SamplePlan {
  /** PascalCase class name, e.g. `SeatAdjusterApp`. */
  readonly className: string;
  /** Every signal the manifest requires or provides, once each. */
  readonly signals: SampleSignal[];
  /** The first `read` datapoint: subscribed to. */
  readonly watched?: SampleSignal;
  /** The first `write` datapoint under the same root: set on request. */
  readonly target?: SampleSignal;
  /** The first subscribed topic: requests arrive here. */
  readonly requestTopic?: string;
  /** Where requests are answered. */
  readonly responseTopic?: string;
  /** Where updates of the watched signal go. */
  readonly updateTopic?: string;
  /** Services in the order the app reaches them. */
  readonly services: SampleService[];
  /** The app has a pubsub interface (the Velocitas SDK then connects to MQTT). */
  readonly usesPubSub: boolean;
}

/** Derives the sample's behaviour from the app's manifest. */
export function samplePlan(app: VehicleApp): SamplePlan {
  const manifest = app.manifest;
  const signals = new Map(app._signals.named().map(({ signal, catalogue }) => [signal.path, toSignal(signal, catalogue.label)]));
  const reads: SampleSignal[] = [];
  const writes: SampleSignal[] = [];
  for (const vsi of manifest.vehicleSignalInterfaces) {
    for (const dp of vsi.required) (dp.access === DatapointAccess.WRITE ? writes : reads).push(signals.get(dp.path)!);
  }
  // The handlers take one value; an array signal is in the vehicle model, but not watched or set by the sample.
  const isScalar = (s: SampleSignal) => !s.vss.datatype.endsWith('[]');
  const watched = reads.find(isScalar);
  const root = (watched ?? writes.find(isScalar))?.segments[0];
  const target = writes.find(s => isScalar(s) && s.segments[0] === root);

  const topicReads = manifest.pubSubInterfaces.flatMap(p => p.reads);
  const topicWrites = manifest.pubSubInterfaces.flatMap(p => p.writes);
  const requestTopic = topicReads[0];
  let responseTopic: string | undefined;
  if (requestTopic !== undefined) {
    const paired = requestTopic.replace(/\/request$/, '/response');
    responseTopic = topicWrites.find(t => t === paired || t === `${requestTopic}/response`) ?? topicWrites[0];
  }
  const updateTopic = watched ? topicWrites.find(t => t !== responseTopic) : undefined;

  // The defaults are the env contract's localhost addresses (one machine), the same as the image's.
  const local = new Map(app.environment().map(v => [v.name, v.value]));
  const service = (name: string, variable: string): SampleService => ({ name, variable, defaultAddress: local.get(variable)! });
  const services: SampleService[] = [];
  if (manifest.usesVehicleSignals) services.push(service('vehicledatabroker', 'SDV_VEHICLEDATABROKER_ADDRESS'));
  if (manifest.usesPubSub) services.push(service('mqtt', 'SDV_MQTT_ADDRESS'));
  for (const grpc of manifest.requiredGrpcServices) {
    const variable = grpc.addressVariable;
    services.push(service(variable.replace(/^SDV_/, '').replace(/_ADDRESS$/, '').toLowerCase(), variable));
  }

  return {
    className: className(app.name),
    signals: [...signals.values()],
    watched,
    target,
    requestTopic,
    responseTopic,
    updateTopic,
    services,
    usesPubSub: manifest.usesPubSub,
  };
}

function toSignal(vss: VssSignal, source: string): SampleSignal {
  const segments = vss.path.split('.');
  const leaf = segments[segments.length - 1];
  return {
    path: vss.path,
    segments,
    vss,
    source,
    field: identifier(leaf.charAt(0).toLowerCase() + leaf.slice(1)),
    snake: identifier(snakeCase(leaf)),
  };
}

/** `seat-adjuster` → `SeatAdjusterApp`. */
export function className(appName: string): string {
  const pascal = appName.split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  const safe = /^[0-9]/.test(pascal) || pascal === '' ? `Vehicle${pascal}` : pascal;
  return /App$/.test(safe) ? safe : `${safe}App`;
}

/** `IsOpen` → `is_open`, `VIN` → `vin`, `StateOfCharge` → `state_of_charge`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

// Keywords of Python and C++ a VSS name could turn into.
const RESERVED = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally',
  'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'None', 'True', 'False', 'match', 'case', 'type',
]);

/** A name usable as an identifier in Python: `_` for other characters, `n` before a digit, `_` after a keyword. */
export function identifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(id)) id = `n${id}`;
  return RESERVED.has(id) ? `${id}_` : id;
}
