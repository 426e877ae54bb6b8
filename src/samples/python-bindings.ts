import { datapointField } from './databroker-datapoint';
import { SPDX } from './python-files';
import { className, identifier, samplePlan, SamplePlan, SampleSignal, snakeCase } from './sample-plan';
import { DatapointAccess } from '../app/app-interface';
import { VehicleApp } from '../app/vehicle-app';

/**
 * The Python bindings of an app, regenerated from its manifest on every synth (package `generated`,
 * `app/src/generated/`): the vehicle model, the signals, topics and services, and the base class the
 * owned app subclasses. The owned code reaches the interfaces only through these names.
 */

/** ruff's line length in the sample's ruff.toml. */
export const LINE_LENGTH = 120;

/** A signal as the bindings name it. */
export interface BoundSignal extends SampleSignal {
  /** Module constant in generated/signals.py, e.g. `POSITION`. */
  readonly constant: string;
  /** Hook of a read signal, e.g. `on_position_changed`. */
  readonly hook?: string;
  /** Helper of a written signal, e.g. `set_position`. */
  readonly setter?: string;
  readonly read: boolean;
  readonly written: boolean;
}

/** A topic as the bindings name it. */
export interface BoundTopic {
  readonly topic: string;
  /** Module constant in generated/topics.py, e.g. `SEATADJUSTER_SET_POSITION_REQUEST`. */
  readonly constant: string;
  /** Hook of a read topic. */
  readonly hook?: string;
  /** Helper of a written topic, e.g. `publish_seatadjuster_set_position_response`. */
  readonly publisher?: string;
}

/** The names of everything the manifest declares, one each, as Python identifiers. */
export interface Bindings {
  readonly plan: SamplePlan;
  /** Name of the generated base class, e.g. `SeatAdjusterAppBase`. */
  readonly baseClass: string;
  readonly signals: BoundSignal[];
  readonly reads: BoundTopic[];
  readonly writes: BoundTopic[];
  /** Read topic → the written topic the app answers on. */
  readonly responses: Map<string, string>;
  /** The written topics that answer no read topic: where the app announces values. */
  readonly updates: string[];
}

/** Methods of the base the owned code may override besides the hooks, and SDK names a hook must not take. */
const TAKEN = ['on_start', 'on_stop', 'on_signal', 'on_message', 'set_signal', 'publish', 'publish_event', 'run', 'stop'];

/** Gives each name once: a repeat gets a `_2`, `_3` ... suffix. */
function uniqueNamer(taken: Iterable<string>): (name: string) => string {
  const used = new Set(taken);
  return name => {
    let unique = name;
    for (let i = 2; used.has(unique); i++) unique = `${name}_${i}`;
    used.add(unique);
    return unique;
  };
}

/** `seatadjuster/setPosition/request` → `seatadjuster_set_position_request`. */
function topicWords(topic: string): string {
  const words = topic.split(/[^A-Za-z0-9]+/).filter(Boolean).map(snakeCase).join('_');
  return identifier(words === '' ? 'topic' : /^[0-9]/.test(words) ? `t${words}` : words);
}

/** The names of the app's signals, topics and hooks. */
export function bindingsOf(app: VehicleApp): Bindings {
  const plan = samplePlan(app);
  const manifest = app.manifest;
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (const vsi of manifest.vehicleSignalInterfaces) {
    for (const dp of vsi.required) (dp.access === DatapointAccess.WRITE ? writes : reads).add(dp.path);
    // The app provides these: it writes their values.
    for (const dp of vsi.provided) writes.add(dp.path);
  }
  const constants = uniqueNamer([]);
  const methods = uniqueNamer(TAKEN);
  const leaves = plan.signals.map(s => s.snake);
  const signals: BoundSignal[] = plan.signals.map(signal => {
    // The leaf, or the path below the root where two signals share a leaf.
    const unique = leaves.filter(leaf => leaf === signal.snake).length === 1;
    const words = identifier((unique ? [signal.snake] : signal.segments.slice(1).map(snakeCase)).join('_').replace(/_$/, ''));
    const read = reads.has(signal.path);
    const written = writes.has(signal.path);
    return {
      ...signal,
      constant: constants(words.toUpperCase()),
      hook: read ? methods(`on_${words}_changed`) : undefined,
      setter: written ? methods(`set_${words}`) : undefined,
      read,
      written,
    };
  });
  const topicReads = manifest.pubSubInterfaces.flatMap(p => p.reads).filter((t, i, all) => all.indexOf(t) === i);
  const topicWrites = manifest.pubSubInterfaces.flatMap(p => p.writes).filter((t, i, all) => all.indexOf(t) === i);
  const topicConstants = new Map<string, string>();
  const topicConstant = (topic: string) => {
    if (!topicConstants.has(topic)) topicConstants.set(topic, constants(topicWords(topic).toUpperCase()));
    return topicConstants.get(topic)!;
  };
  const boundReads = topicReads.map(topic => ({ topic, constant: topicConstant(topic), hook: methods(`on_${topicWords(topic)}`) }));
  const boundWrites = topicWrites.map(topic => ({ topic, constant: topicConstant(topic), publisher: methods(`publish_${topicWords(topic)}`) }));
  // Each read topic is answered on its `/response` twin, else on the first written topic (as the sample plan pairs them).
  const responses = new Map<string, string>();
  for (const topic of topicReads) {
    const paired = topic.replace(/\/request$/, '/response');
    const response = topicWrites.find(t => t === paired || t === `${topic}/response`) ?? topicWrites[0];
    if (response !== undefined) responses.set(topic, response);
  }
  const answering = new Set(responses.values());
  return {
    plan,
    baseClass: `${className(app.name)}Base`,
    signals,
    reads: boundReads,
    writes: boundWrites,
    responses,
    updates: topicWrites.filter(t => !answering.has(t)),
  };
}

/** Python string literal. */
export function str(value: string): string {
  return JSON.stringify(value);
}

const FLOAT_TYPES = ['float', 'double'];

/** A Python literal of a value VSS gives (an allowed value, a min or max). */
export function literal(value: string | number, datatype: string): string {
  if (typeof value === 'string') return str(value);
  return FLOAT_TYPES.includes(datatype.replace(/\[\]$/, '')) && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** A value the signal takes, as Python source: its first allowed value, or one inside its VSS range; a one-element list for an array. */
export function sampleValue(signal: SampleSignal): string {
  const { datatype, allowed, min, max } = signal.vss;
  const scalar = datatype.replace(/\[\]$/, '');
  let value: string;
  if (allowed && allowed.length > 0) value = literal(allowed[0], scalar);
  else if (scalar === 'boolean') value = 'True';
  else if (scalar === 'string') value = '"sample"';
  else value = literal(Math.min(Math.max(FLOAT_TYPES.includes(scalar) ? 12.5 : 42, min ?? -Infinity), max ?? Infinity), scalar);
  return datatype.endsWith('[]') ? `[${value}]` : value;
}

/** The Python type of a VSS datatype's values. */
export function pythonType(datatype: string): string {
  if (datatype.endsWith('[]')) return `list[${pythonType(datatype.slice(0, -2))}]`;
  switch (datatype) {
    case 'boolean': return 'bool';
    case 'string': return 'str';
    case 'float': case 'double': return 'float';
    default: return 'int';
  }
}

/** The velocitas_sdk.model class of a VSS datatype: `uint16` → `DataPointUint16`, `string[]` → `DataPointStringArray`. */
function dataPointClass(datatype: string): string {
  const array = datatype.endsWith('[]');
  const scalar = array ? datatype.slice(0, -2) : datatype;
  return `DataPoint${scalar.charAt(0).toUpperCase()}${scalar.slice(1)}${array ? 'Array' : ''}`;
}

/** `Vehicle.Cabin.Seat` → `Cabin.Seat`: the attribute path below the root instance. */
function attributePath(signal: SampleSignal): string {
  return signal.segments.slice(1).map(identifier).join('.');
}

/** The model instance of a signal's root: `vehicle`. */
function rootInstance(signal: SampleSignal): string {
  return identifier(snakeCase(signal.segments[0]));
}

/** `from module import a, b` on one line, or one name per line when that exceeds ruff's 88 columns, as isort writes it. */
export function fromImport(module: string, names: string[]): string[] {
  const line = `from ${module} import ${names.join(', ')}`;
  return line.length <= 88 ? [line] : [`from ${module} import (`, ...names.map(n => `    ${n},`), ')'];
}

/** isort's order: CONSTANTS, then Classes, then functions, each alphabetical. */
export function caseSensitive(a: string, b: string): number {
  const rank = (n: string) => (/^[A-Z0-9_]+$/.test(n) ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A dict literal statement with one entry per line, or `{}`. */
function pyBlockDict(head: string, entries: string[]): string[] {
  return entries.length === 0 ? [`${head}{}`] : [`${head}{`, ...entries, `${head.replace(/\S.*$/, '')}}`];
}

/** A call statement as ruff formats it: on one line, else its arguments indented on one line, else one per line. */
function pyCall(indent: string, callee: string, args: string[], suffix = ''): string[] {
  const one = `${indent}${callee}(${args.join(', ')})${suffix}`;
  if (one.length <= LINE_LENGTH) return [one];
  const inner = `${indent}    ${args.join(', ')}`;
  if (inner.length <= LINE_LENGTH) return [`${indent}${callee}(`, inner, `${indent})${suffix}`];
  return [`${indent}${callee}(`, ...args.map(a => `${indent}    ${a},`), `${indent})${suffix}`];
}

/** A Python tuple of expressions, one per line when long. */
function pyTuple(name: string, type: string, items: string[]): string[] {
  const one = `${name}: tuple[${type}, ...] = (${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  return one.length <= LINE_LENGTH ? [one] : [`${name}: tuple[${type}, ...] = (`, ...items.map(i => `    ${i},`), ')'];
}

/** A Python `dict[str, str]` of key and value expressions, one pair per line when long. */
function pyDict(name: string, pairs: string[][]): string[] {
  const items = pairs.map(([k, v]) => `${k}: ${v}`);
  const one = `${name}: dict[str, str] = {${items.join(', ')}}`;
  return one.length <= LINE_LENGTH ? [one] : [`${name}: dict[str, str] = {`, ...items.map(i => `    ${i},`), '}'];
}

/** `uint16, in mm` — the datatype and unit, for comments. */
function describeFacts(signal: SampleSignal): string {
  return `${signal.vss.datatype}${signal.vss.unit ? `, in ${signal.vss.unit}` : ''}`;
}

const HEADER = (what: string) => [SPDX.trimEnd(), `"""${what}`, '', 'Generated from the interfaces in .projenrc.ts on every `npx projen`: do not edit.', '"""'];

/** The Python bindings, by path relative to the app folder. @internal */
export function pythonBindings(app: VehicleApp): { [path: string]: string } {
  const b = bindingsOf(app);
  const files: { [path: string]: string } = {
    'src/generated/__init__.py': [...HEADER(`Bindings of ${app.name} to its manifest: vehicle model, signals, topics, services, base class.`), ''].join('\n'),
    'src/generated/signals.py': signalsPy(b),
    'src/generated/topics.py': topicsPy(b),
    'src/generated/services.py': servicesPy(app, b),
    'src/generated/base.py': basePy(app, b),
    'tests/unit/test_generated.py': testGeneratedPy(app, b),
  };
  if (b.signals.length > 0) files['src/generated/vehicle.py'] = vehiclePy(b.plan);
  return files;
}

function signalsPy(b: Bindings): string {
  const lines = [
    ...HEADER('The vehicle signals the app reads and writes, with what its VSS source says about each.'),
    '',
    'from dataclasses import dataclass',
    '',
    'Value = bool | int | float | str | list',
    '',
    '',
    '@dataclass(frozen=True)',
    'class Signal:',
    '    """A VSS signal: its path, its JSON field in messages, and what VSS allows it to hold."""',
    '',
    '    path: str',
    '    field: str',
    '    datatype: str',
    '    unit: str | None = None',
    '    minimum: float | None = None',
    '    maximum: float | None = None',
    '    allowed: tuple[Value, ...] = ()',
    '    # A value VSS allows, for tests.',
    '    example: Value | None = None',
    '',
  ];
  for (const s of b.signals) {
    const { datatype, unit, min, max, allowed } = s.vss;
    const scalar = datatype.replace(/\[\]$/, '');
    const args = [str(s.path), str(s.field), str(datatype)];
    if (unit) args.push(`unit=${str(unit)}`);
    if (min !== undefined) args.push(`minimum=${literal(min, scalar)}`);
    if (max !== undefined) args.push(`maximum=${literal(max, scalar)}`);
    if (allowed && allowed.length > 0) args.push(`allowed=(${allowed.map(a => literal(a, scalar)).join(', ')}${allowed.length === 1 ? ',' : ''})`);
    args.push(`example=${sampleValue(s)}`);
    lines.push('', `# ${s.source}, ${s.vss.type}.`);
    const one = `${s.constant} = Signal(${args.join(', ')})`;
    lines.push(...(one.length <= LINE_LENGTH ? [one] : [`${s.constant} = Signal(`, ...args.map(a => `    ${a},`), ')']));
  }
  lines.push(
    '',
    '# The signals the app subscribes to, and those it sets.',
    ...pyTuple('READ_SIGNALS', 'Signal', b.signals.filter(s => s.read).map(s => s.constant)),
    ...pyTuple('WRITE_SIGNALS', 'Signal', b.signals.filter(s => s.written).map(s => s.constant)),
    '',
  );
  return lines.join('\n');
}

function topicsPy(b: Bindings): string {
  const constantOf = new Map([...b.reads, ...b.writes].map(t => [t.topic, t.constant]));
  const lines = [...HEADER('The MQTT topics the app reads and writes.'), ''];
  for (const [topic, constant] of constantOf) lines.push(`${constant} = ${str(topic)}`);
  if (constantOf.size > 0) lines.push('');
  lines.push(
    ...pyTuple('READS', 'str', b.reads.map(t => t.constant)),
    ...pyTuple('WRITES', 'str', b.writes.map(t => t.constant)),
    '# Where the app answers each read topic: its /response twin, else the first written topic.',
  );
  lines.push(...pyDict('RESPONSES', [...b.responses].map(([read, write]) => [constantOf.get(read)!, constantOf.get(write)!])));
  lines.push(
    '# The written topics that answer no read topic: where the app announces new values.',
    ...pyTuple('UPDATES', 'str', b.updates.map(t => constantOf.get(t)!)),
    '',
  );
  return lines.join('\n');
}

/** The runtime services the Velocitas SDK connects to when the app starts (its first MQTT connect does not retry). */
const STARTUP_SERVICES = ['vehicledatabroker', 'mqtt'];

function servicesPy(app: VehicleApp, b: Bindings): string {
  const services = b.plan.services;
  const constant = uniqueNamer([]);
  const names = services.map(s => constant(identifier(s.name.toUpperCase())));
  const grpcPort = app.ports.find(p => p.name === 'grpc')?.port;
  const provided = app.manifest.providedGrpcServices.map(g => str(g.serviceName));
  const lines = [
    ...HEADER('The services the app reaches (addresses from the SDV_*_ADDRESS environment) and those it serves.'),
    '',
    'import os',
    'from dataclasses import dataclass',
    '',
    '',
    '@dataclass(frozen=True)',
    'class Service:',
    '    """A service the app reaches at the address in `variable`, else at `default_address`."""',
    '',
    '    name: str',
    '    variable: str',
    '    default_address: str',
    '',
    '    def address(self) -> str:',
    '        return os.environ.get(self.variable, self.default_address)',
    '',
  ];
  services.forEach((s, i) => lines.push('', `${names[i]} = Service(${str(s.name)}, ${str(s.variable)}, ${str(s.defaultAddress)})`));
  lines.push(
    '',
    '# Every service the app reaches, and those the SDK connects to when the app starts (it waits for them).',
    ...pyTuple('SERVICES', 'Service', names),
    ...pyTuple('STARTUP_SERVICES', 'Service', names.filter((_, i) => STARTUP_SERVICES.includes(services[i].name))),
    '# The gRPC services the app serves, and the port it serves them on.',
    ...pyTuple('PROVIDED', 'str', provided),
    `PROVIDED_PORT: int | None = ${provided.length > 0 && grpcPort !== undefined ? grpcPort : 'None'}`,
    '',
  );
  return lines.join('\n');
}

function basePy(app: VehicleApp, b: Bindings): string {
  const reads = b.signals.filter(s => s.read);
  const written = b.signals.filter(s => s.written);
  const hasModel = b.signals.length > 0;
  const usesPubSub = app.manifest.usesPubSub;
  const roots = [...new Set(b.signals.map(s => s.segments[0]))];
  const signalNames = [...reads, ...written].map(s => s.constant).filter((c, i, all) => all.indexOf(c) === i);
  const cls = b.baseClass;
  const lines = [
    ...HEADER(`The base class of ${app.name}: one hook per read signal and topic, one helper per written one.`),
    '',
    ...(usesPubSub ? [] : ['import asyncio']),
    'from typing import Any',
    '',
  ];
  if (reads.length > 0) lines.push('from velocitas_sdk.vdb.reply import DataPointReply');
  lines.push(`from velocitas_sdk.vehicle_app import VehicleApp${b.reads.length > 0 ? ', subscribe_topic' : ''}`);
  lines.push('');
  if (b.reads.length + b.writes.length > 0) lines.push('from generated import topics');
  lines.push(...fromImport('generated.signals', [...signalNames.sort(caseSensitive), 'Signal']));
  if (hasModel) {
    const classes = roots.map(identifier);
    const instances = roots.map(r => identifier(snakeCase(r)));
    lines.push(...fromImport('generated.vehicle', [...classes, ...instances]));
  }
  lines.push(
    '',
    '# The hooks a subclass may override: one per read signal (by path) and read topic.',
    ...pyDict('SIGNAL_HOOKS', reads.map(s => [`${s.constant}.path`, str(s.hook!)])),
    ...pyDict('TOPIC_HOOKS', b.reads.map(t => [`topics.${t.constant}`, str(t.hook!)])),
    'HOOKS: tuple[str, ...] = (*SIGNAL_HOOKS.values(), *TOPIC_HOOKS.values())',
    '',
    '',
    `class ${cls}(VehicleApp):`,
    '    """Subscribes to every read signal and topic and calls its hook; sets and publishes through typed helpers.',
    '',
    '    The hooks of signals call on_signal(signal, value), those of topics on_message(topic, payload): override',
    '    those two to handle every interface alike, or a hook to handle one on its own.',
    '    """',
    '',
  );
  const root = roots[0];
  const modelParams = roots.map(r => `${identifier(snakeCase(r))}_client: ${identifier(r)} = ${identifier(snakeCase(r))}`);
  lines.push(`    def __init__(self${modelParams.map(p => `, ${p}`).join('')}) -> None:`);
  lines.push('        check_hooks(type(self))', '        super().__init__()');
  for (const r of roots) lines.push(`        self.${identifier(snakeCase(r))} = ${identifier(snakeCase(r))}_client`);
  void root;
  if (!usesPubSub) {
    lines.push(
      '',
      '    async def run(self) -> None:',
      '        """Runs without MQTT: VehicleApp.run() connects to a broker this app does not use."""',
      '        await self.on_start()',
      '        await asyncio.Event().wait()  # until the task is cancelled',
    );
  }
  lines.push('', '    async def on_start(self) -> None:', '        """Subscribes to every read signal (the SDK subscribes the read topics)."""');
  for (const s of reads) lines.push(...pyCall('        ', `await self.${rootInstance(s)}.${attributePath(s)}.subscribe`, [`self._${s.hook!.slice(3)}`]));
  if (reads.length === 0) lines.push('        await super().on_start()');
  for (const s of reads) {
    const type = pythonType(s.vss.datatype);
    lines.push(
      '',
      `    async def _${s.hook!.slice(3)}(self, reply: DataPointReply) -> None:`,
      ...pyCall('        ', `await self.${s.hook}`, [`reply.get(self.${rootInstance(s)}.${attributePath(s)}).value`]),
      '',
      `    async def ${s.hook}(self, value: ${type}) -> None:`,
      `        """Each new value of ${s.path} (${describeFacts(s)})."""`,
      `        await self.on_signal(${s.constant}, value)`,
    );
  }
  for (const t of b.reads) {
    lines.push(
      '',
      `    @subscribe_topic(topics.${t.constant})`,
      `    async def _${t.hook!.slice(3)}(self, payload: str) -> None:`,
      `        await self.${t.hook}(payload)`,
      '',
      `    async def ${t.hook}(self, payload: str) -> None:`,
      `        """Each message on ${t.topic}."""`,
      `        await self.on_message(topics.${t.constant}, payload)`,
    );
  }
  lines.push(
    '',
    '    async def on_signal(self, signal: Signal, value: Any) -> None:',
    '        """Each new value of a read signal whose hook is not overridden."""',
    '',
    '    async def on_message(self, topic: str, payload: str) -> None:',
    '        """Each message on a read topic whose hook is not overridden."""',
  );
  for (const s of written) {
    lines.push(
      '',
      `    async def ${s.setter}(self, value: ${pythonType(s.vss.datatype)}) -> None:`,
      `        """Sets ${s.path} (${describeFacts(s)}) in the databroker."""`,
      ...pyCall('        ', `await self.${rootInstance(s)}.${attributePath(s)}.set`, ['value']),
    );
  }
  lines.push(
    '',
    '    async def set_signal(self, signal: Signal, value: Any) -> None:',
    '        """Sets a written signal through its helper."""',
    ...pyBlockDict('        setters = ', written.map(s => `            ${s.constant}.path: self.${s.setter},`)),
    '        if signal.path not in setters:',
    '            raise KeyError(f"{signal.path} is not among the written signals in .projenrc.ts")',
    '        await setters[signal.path](value)',
  );
  for (const t of b.writes) {
    lines.push(
      '',
      `    async def ${t.publisher}(self, payload: str) -> None:`,
      `        """Publishes on ${t.topic}."""`,
      `        await self.publish_event(topics.${t.constant}, payload)`,
    );
  }
  lines.push(
    '',
    '    async def publish(self, topic: str, payload: str) -> None:',
    '        """Publishes on a written topic through its helper."""',
    ...pyBlockDict('        publishers = ', b.writes.map(t => `            topics.${t.constant}: self.${t.publisher},`)),
    '        if topic not in publishers:',
    '            raise KeyError(f"{topic} is not among the written topics in .projenrc.ts")',
    '        await publishers[topic](payload)',
    '',
    '',
    'def check_hooks(app_class: type) -> None:',
    `    """Fails when a subclass defines an on_* method that is no hook of ${cls}.`,
    '',
    '    Such a method handles a signal or topic the interfaces in .projenrc.ts no longer declare: it would never run.',
    '    """',
    `    known = set(dir(${cls}))`,
    `    defined = {name for klass in app_class.__mro__ if issubclass(klass, ${cls}) for name in vars(klass)}`,
    '    unknown = sorted(name for name in defined if name.startswith("on_") and name not in known)',
    '    if unknown:',
    '        raise TypeError(',
    '            f"{app_class.__name__}.{\', \'.join(unknown)} handles no signal or topic of the app: "',
    '            f"no such hook in generated/base.py (hooks: {\', \'.join(HOOKS) or \'none\'}). "',
    '            "Declare the signal or topic in the interfaces in .projenrc.ts and run `npx projen`, or remove the method."',
    '        )',
    '',
  );
  return lines.join('\n');
}

interface BranchNode {
  readonly name: string;
  readonly path: string;
  readonly children: Map<string, BranchNode>;
  signal?: SampleSignal;
  className?: string;
}

function vehiclePy(plan: SamplePlan): string {
  const roots = new Map<string, BranchNode>();
  for (const signal of plan.signals) {
    let level = roots;
    let node: BranchNode | undefined;
    signal.segments.forEach((segment, i) => {
      const path = signal.segments.slice(0, i + 1).join('.');
      node = level.get(segment) ?? { name: segment, path, children: new Map() };
      level.set(segment, node);
      level = node.children;
    });
    node!.signal = signal;
  }
  const branches: BranchNode[] = [];
  const collect = (node: BranchNode) => {
    if (node.signal) return;
    branches.push(node);
    node.children.forEach(collect);
  };
  roots.forEach(collect);
  // A branch class is named after its VSS name, or after its path where names repeat.
  const taken = new Set<string>();
  const counts = new Map<string, number>();
  branches.forEach(b => counts.set(b.name, (counts.get(b.name) ?? 0) + 1));
  for (const b of branches) {
    let name = identifier(counts.get(b.name)! > 1 ? b.path.split('.').slice(1).join('') || b.name : b.name);
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    b.className = name;
  }

  // Natural order, as isort writes it: DataPointUint8 before DataPointUint16.
  const used = [...new Set(plan.signals.map(s => dataPointClass(s.vss.datatype)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const sources = [...new Set(plan.signals.map(s => s.source))].join(' and ');
  const lines: string[] = [
    ...HEADER('The part of the vehicle model this app uses, built from velocitas_sdk.model classes.'),
    '',
    '# Velocitas generates the full model from the VSS file; this one holds only the signals the manifest names, in',
    `# the same shape, so \`vehicle.Cabin.Seat...\` reads the same. Each DataPoint class follows the signal's datatype in ${sources}.`,
    '',
    ...fromImport('velocitas_sdk.model', [...used, 'Model']),
  ];
  for (const b of branches) {
    lines.push('', '', `class ${b.className}(Model):`, `    """${b.path}"""`, '');
    const isRoot = !b.path.includes('.');
    lines.push(`    def __init__(self, name: str${isRoot ? ', parent: Model | None = None' : ', parent: Model'}):`);
    lines.push('        super().__init__(parent)', '        self.name = name');
    for (const child of b.children.values()) {
      const attribute = identifier(child.name);
      if (child.signal) {
        lines.push(`        self.${attribute} = ${dataPointClass(child.signal.vss.datatype)}(${str(child.name)}, self)`);
      } else {
        lines.push(`        self.${attribute} = ${child.className}(${str(child.name)}, self)`);
      }
    }
  }
  lines.push('', '');
  for (const root of roots.values()) {
    lines.push(`${identifier(snakeCase(root.name))} = ${root.className}(${str(root.name)})`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The unit tests of the bindings: each hook gets its signal's or topic's values, each helper reaches its datapoint or topic. */
function testGeneratedPy(app: VehicleApp, b: Bindings): string {
  const reads = b.signals.filter(s => s.read);
  const written = b.signals.filter(s => s.written);
  const cls = b.baseClass;
  const usesPubSub = app.manifest.usesPubSub;
  const lines = [
    ...HEADER(`Unit tests of the bindings of ${app.name}: the base class reaches every signal and topic of the manifest.`),
    '',
    ...(usesPubSub ? [] : ['import asyncio']),
    'from unittest import mock',
    '',
    'import pytest',
  ];
  if (reads.length > 0) {
    lines.push(
      'from velocitas_sdk.proto.broker_pb2 import SubscribeReply',
      'from velocitas_sdk.proto.types_pb2 import Datapoint',
      'from velocitas_sdk.vdb.reply import DataPointReply',
    );
  }
  lines.push('');
  if (b.reads.length + b.writes.length > 0) lines.push('from generated import topics');
  lines.push(...fromImport('generated.base', ['HOOKS', cls]));
  const names = [...reads, ...written].map(s => s.constant).filter((c, i, all) => all.indexOf(c) === i);
  if (names.length > 0) lines.push(...fromImport('generated.signals', names.sort(caseSensitive)));
  lines.push(
    '',
    '',
    `class Recorder(${cls}):`,
    '    """Records what reaches the generic hooks."""',
    '',
    '    def __init__(self) -> None:',
    '        super().__init__()',
    '        self.calls: list[tuple] = []',
    '',
    '    async def on_signal(self, signal, value) -> None:',
    '        self.calls.append((signal, value))',
    '',
    '    async def on_message(self, topic, payload) -> None:',
    '        self.calls.append((topic, payload))',
    '',
    '',
    '@pytest.fixture',
    'def app():',
    '    app = Recorder()',
    '    app.publish_event = mock.AsyncMock()',
    '    return app',
    '',
    '',
    'def test_a_method_named_like_a_hook_that_does_not_exist_fails_at_construction():',
    `    class Stale(${cls}):`,
    '        async def on_nothing_declared(self, value) -> None:',
    '            pass',
    '',
    '    with pytest.raises(TypeError, match="Stale.on_nothing_declared handles no signal or topic"):',
    '        Stale()',
    '',
    '',
    'def test_every_hook_is_a_method():',
    `    assert all(callable(getattr(${cls}, hook)) for hook in HOOKS)`,
  );
  const test = (name: string, body: string[]) => lines.push('', '', `async def test_${name}(app):`, ...body.map(l => (l ? `    ${l}` : '')));
  for (const s of reads) {
    const model = `app.${rootInstance(s)}.${attributePath(s)}`;
    const field = datapointField(s.vss.datatype.replace(/\[\]$/, ''));
    const scalar = !s.vss.datatype.endsWith('[]');
    test(`subscribes_to_${s.constant.toLowerCase()}_and_calls_its_hook`, [
      `datapoint = ${model}`,
      'with mock.patch.object(datapoint, "subscribe", new_callable=mock.AsyncMock) as subscribe:',
      '    await app.on_start()',
      `subscribe.assert_awaited_once_with(app._${s.hook!.slice(3)})`,
      ...(scalar
        ? [
          `value = Datapoint(${field}=${s.constant}.example)`,
          'reply = DataPointReply(SubscribeReply(fields={datapoint.get_path(): value}))',
          `await app._${s.hook!.slice(3)}(reply)`,
          `assert app.calls == [(${s.constant}, ${s.constant}.example)]`,
        ]
        : [`await app.${s.hook}(${s.constant}.example)`, `assert app.calls == [(${s.constant}, ${s.constant}.example)]`]),
    ]);
  }
  for (const s of written) {
    const model = `app.${rootInstance(s)}.${attributePath(s)}`;
    test(`sets_${s.constant.toLowerCase()}`, [
      `datapoint = ${model}`,
      'with mock.patch.object(datapoint, "set", new_callable=mock.AsyncMock) as set_value:',
      `    await app.${s.setter}(${s.constant}.example)`,
      `    await app.set_signal(${s.constant}, ${s.constant}.example)`,
      `assert set_value.await_args_list == [mock.call(${s.constant}.example)] * 2`,
    ]);
  }
  for (const t of b.reads) {
    test(`receives_${t.hook!.slice(3)}`, [
      `await app._${t.hook!.slice(3)}("{}")`,
      `assert app.calls == [(topics.${t.constant}, "{}")]`,
      `assert app._${t.hook!.slice(3)}.subscribeTopic == topics.${t.constant}`,
    ]);
  }
  for (const t of b.writes) {
    test(`${t.publisher}`, [
      `await app.${t.publisher}("{}")`,
      `await app.publish(topics.${t.constant}, "{}")`,
      `assert app.publish_event.await_args_list == [mock.call(topics.${t.constant}, "{}")] * 2`,
    ]);
  }
  test('refuses_an_undeclared_topic', [
    'with pytest.raises(KeyError, match="not among the written topics"):',
    '    await app.publish("undeclared/topic", "{}")',
  ]);
  if (!usesPubSub) {
    test('runs_without_mqtt', [
      'with (',
      '    mock.patch.object(app, "on_start", new_callable=mock.AsyncMock) as on_start,',
      '    mock.patch.object(app.middleware, "start", new_callable=mock.AsyncMock) as connect_mqtt,',
      '):',
      '    running = asyncio.create_task(app.run())',
      '    await asyncio.sleep(0.01)',
      '    running.cancel()',
      '    with pytest.raises(asyncio.CancelledError):',
      '        await running',
      'on_start.assert_awaited_once()',
      'connect_mqtt.assert_not_awaited()',
    ]);
  }
  lines.push('');
  return lines.join('\n');
}
