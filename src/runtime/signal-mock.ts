import { Problems } from '../validation';
import { VssSignal } from '../vss/vss-signal';

/**
 * The signal mock: which values the app's read signals take over time in the local runtime, and which
 * actuators echo their target as current value. A JSON file the developer owns (written once), checked
 * at synth against the VSS facts of the signals the databroker serves, and fed to it by the mock feeder.
 * @internal
 */
export interface SignalMock {
  /** Seconds between two steps; at each step every cycling signal takes its next value. */
  readonly intervalSeconds: number;
  /** By VSS path. */
  readonly signals: { readonly [path: string]: SignalMockEntry };
}

/** What one signal does in the mock. @internal */
export interface SignalMockEntry {
  /** The values it takes, one per step, from the first again after the last. */
  readonly values: readonly unknown[];
  /** An actuator that takes values[0], then each target value the app sets as its current value. */
  readonly echoTarget?: boolean;
}

const INTEGER_RANGES: { readonly [datatype: string]: readonly [number, number] } = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** A few values a signal may take: its allowed values, or the ends and middle of its range. */
function sampleValues(signal: VssSignal): unknown[] {
  const element = signal.datatype.replace(/\[\]$/, '');
  let values: unknown[];
  if (signal.allowed && signal.allowed.length > 0) {
    values = signal.allowed.slice(0, 3);
  } else if (element === 'boolean') {
    values = [false, true];
  } else if (element === 'string') {
    values = ['mock'];
  } else {
    const integer = INTEGER_RANGES[element];
    const low = signal.min ?? Math.max(0, integer?.[0] ?? 0);
    const high = signal.max ?? Math.min(low + 100, integer?.[1] ?? low + 100);
    const middle = integer ? Math.round((low + high) / 2) : (low + high) / 2;
    values = [...new Set([low, middle, high])];
  }
  return element === signal.datatype ? values : [values];
}

/** The mock written for a new project: sample values for each read signal, actuators echoing their target. @internal */
export function defaultSignalMock(readSignals: readonly VssSignal[]): SignalMock {
  return {
    intervalSeconds: 2,
    signals: Object.fromEntries(readSignals.map(s => [s.path, s.type === 'actuator' ? { values: sampleValues(s).slice(0, 1), echoTarget: true } : { values: sampleValues(s) }])),
  };
}

/** The mock file's text: the mock with a `$comment` that says how to read it. @internal */
export function signalMockJson(mock: SignalMock): string {
  const comment = 'Local runtime (npx projen runtime:up): every intervalSeconds each signal takes its next value, from the first again after the last; '
    + 'an actuator with echoTarget takes values[0], then each target the app sets as its current value. Checked against the VSS file at synth.';
  return JSON.stringify({ $comment: comment, ...mock }, null, 2) + '\n';
}

/** Why a value does not fit a signal, or undefined when it does. */
function valueProblem(value: unknown, signal: VssSignal, datatype = signal.datatype): string | undefined {
  if (datatype.endsWith('[]')) {
    if (!Array.isArray(value)) return `is not a list, and ${signal.path} is ${datatype}`;
    for (const element of value) {
      const problem = valueProblem(element, signal, datatype.slice(0, -2));
      if (problem) return `holds ${JSON.stringify(element)}, which ${problem}`;
    }
    return undefined;
  }
  const integer = INTEGER_RANGES[datatype];
  if (datatype === 'boolean' && typeof value !== 'boolean') return `is not true or false, and ${signal.path} is boolean`;
  if (datatype === 'string' && typeof value !== 'string') return `is not a string, and ${signal.path} is string`;
  if ((datatype === 'float' || datatype === 'double') && (typeof value !== 'number' || !Number.isFinite(value))) return `is not a number, and ${signal.path} is ${datatype}`;
  if (integer && (typeof value !== 'number' || !Number.isInteger(value) || value < integer[0] || value > integer[1])) {
    return `is not an integer from ${integer[0]} to ${integer[1]}, and ${signal.path} is ${datatype}`;
  }
  if (signal.min !== undefined && typeof value === 'number' && value < signal.min) return `is below ${signal.path}'s min ${signal.min}`;
  if (signal.max !== undefined && typeof value === 'number' && value > signal.max) return `is above ${signal.path}'s max ${signal.max}`;
  if (signal.allowed && !signal.allowed.includes(value as string | number)) return `is not one of ${signal.path}'s allowed values ${JSON.stringify(signal.allowed)}`;
  return undefined;
}

/**
 * The mock file's problems, each naming the file and the entry: an unknown signal, a value of the wrong
 * datatype or outside min/max/allowed, echoTarget on a signal that is no actuator.
 * @param file the file's path in the project, e.g. `app/mock.json`
 * @param text the file's contents
 * @param served the signals the databroker serves
 * @internal
 */
export function checkSignalMock(problems: Problems, file: string, text: string, served: readonly VssSignal[]): void {
  let mock: any;
  try {
    mock = JSON.parse(text);
  } catch (e) {
    problems.add(file, '(its text)', `is not JSON: ${(e as Error).message}`, 'fix the syntax, or delete the file and run npx projen to get a new one');
    return;
  }
  if (!problems.check(typeof mock === 'object' && mock !== null && !Array.isArray(mock), file, mock, 'is not a JSON object', 'write { "intervalSeconds": 2, "signals": { ... } }')) return;
  problems.check(typeof mock.intervalSeconds === 'number' && mock.intervalSeconds > 0, `${file} intervalSeconds`, mock.intervalSeconds,
    'is not a positive number of seconds', 'use e.g. 2');
  const signals = mock.signals ?? {};
  if (!problems.check(typeof signals === 'object' && !Array.isArray(signals), `${file} signals`, signals, 'is not an object of VSS paths', 'write { "Vehicle.Speed": { "values": [0, 50] } }')) return;
  const byPath = new Map(served.map(s => [s.path, s]));
  for (const [path, entry] of Object.entries<any>(signals)) {
    const at = `${file} signals["${path}"]`;
    const signal = byPath.get(path);
    if (!problems.check(signal !== undefined, at, path, 'is not a signal the local databroker serves (its VSS file holds the signals of the interfaces)',
      'use a signal of the vehicle-signal interfaces, or remove the entry')) continue;
    if (!problems.check(Array.isArray(entry?.values) && entry.values.length > 0, `${at}.values`, entry?.values, 'is not a non-empty list of values',
      `use e.g. ${JSON.stringify(sampleValues(signal!))}`)) continue;
    entry.values.forEach((value: unknown, i: number) => {
      const problem = valueProblem(value, signal!);
      problems.check(problem === undefined, `${at}.values[${i}]`, value, problem ?? '', `use values ${signal!.datatype} allows, e.g. ${JSON.stringify(sampleValues(signal!))}`);
    });
    if (entry.echoTarget !== undefined) {
      problems.check(typeof entry.echoTarget === 'boolean', `${at}.echoTarget`, entry.echoTarget, 'is not true or false', 'use true or false');
      problems.check(entry.echoTarget !== true || signal!.type === 'actuator', `${at}.echoTarget`, entry.echoTarget,
        `is set on ${path}, a ${signal!.type}, and only an actuator has a target`, 'remove echoTarget');
    }
  }
}

/** The read signals the mock leaves out, each with an entry to add. @internal */
export function unmockedSignals(text: string, readSignals: readonly VssSignal[]): string[] {
  let paths: string[];
  try {
    paths = Object.keys(JSON.parse(text).signals ?? {});
  } catch {
    return [];
  }
  return readSignals.filter(s => !paths.includes(s.path)).map(s => `"${s.path}": ${JSON.stringify(defaultSignalMock([s]).signals[s.path])}`);
}
