/** The kinds of VSS leaf: what a signal is, and so who may set it. */
export type VssSignalType = 'sensor' | 'actuator' | 'attribute';

/**
 * What VSS says about one signal: the facts every artifact reads (databroker file, vehicle model,
 * request checks). Description texts are left out on purpose: they are COVESA's words.
 * @internal
 */
export interface VssSignal {
  /** Full path, e.g. `Vehicle.Cabin.Seat.Row1.DriverSide.Position`. */
  readonly path: string;
  /** sensor, actuator or attribute. */
  readonly type: VssSignalType;
  /** VSS datatype, e.g. `uint16`, `string`, `float[]`. */
  readonly datatype: string;
  /** Unit, e.g. `km/h`. */
  readonly unit?: string;
  /** Smallest value VSS allows. */
  readonly min?: number;
  /** Largest value VSS allows. */
  readonly max?: number;
  /** The only values VSS allows (e.g. the modes of a wiper). */
  readonly allowed?: Array<string | number>;
}

const LEAF_TYPES: readonly string[] = ['sensor', 'actuator', 'attribute'];

/**
 * The signals of a VSS JSON tree (vss-tools' JSON export: root branches, `children`, leaves with
 * `type` and `datatype`), in tree order. Throws an Error whose message says what is wrong and where.
 * Used by the catalogue build script for the releases and at synth time for a project's own VSS file.
 * @internal
 */
export function signalsOfVssTree(tree: unknown): VssSignal[] {
  if (!isObject(tree) || Object.keys(tree).length === 0) {
    throw new Error('is not a VSS JSON tree (an object of root branches such as "Vehicle")');
  }
  const signals: VssSignal[] = [];
  const visit = (path: string, node: unknown): void => {
    if (!isObject(node)) throw new Error(`${path} is not an object`);
    const type = node.type;
    if (type === 'branch') {
      const children = node.children ?? {};
      if (!isObject(children)) throw new Error(`${path}.children is not an object`);
      for (const [name, child] of Object.entries(children)) visit(`${path}.${name}`, child);
      return;
    }
    if (typeof type !== 'string' || !LEAF_TYPES.includes(type)) {
      throw new Error(`${path} has the type ${JSON.stringify(type)}, not branch, sensor, actuator or attribute`);
    }
    if (typeof node.datatype !== 'string' || node.datatype.length === 0) throw new Error(`${path} has no datatype`);
    const signal: { -readonly [K in keyof VssSignal]: VssSignal[K] } = { path, type: type as VssSignalType, datatype: node.datatype };
    if (node.unit !== undefined) signal.unit = String(node.unit);
    for (const key of ['min', 'max'] as const) {
      if (node[key] === undefined) continue;
      if (typeof node[key] !== 'number') throw new Error(`${path}.${key} is ${JSON.stringify(node[key])}, not a number`);
      signal[key] = node[key] as number;
    }
    if (node.allowed !== undefined) {
      if (!Array.isArray(node.allowed)) throw new Error(`${path}.allowed is not an array`);
      signal.allowed = [...node.allowed];
    }
    signals.push(signal);
  };
  for (const [name, root] of Object.entries(tree)) visit(name, root);
  return signals;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
