import { datapointField } from './databroker-datapoint';
import { HEARTBEAT_PY, logicPy, PYTEST_INI, REQUIREMENTS, REQUIREMENTS_DEV, SPDX, STARTUP_PY, TEST_HEARTBEAT_PY, TEST_LOGIC_PY, TEST_STARTUP_PY } from './python-files';
import { integrationTestPy } from './python-integration-test';
import { identifier, SamplePlan, samplePlan, SampleSignal, snakeCase } from './sample-plan';
import { VehicleApp } from '../app/vehicle-app';

/**
 * Python sample app on the Velocitas SDK, by path relative to the app folder.
 *
 * The container runs `python3 -u src/main.py` from the app folder.
 */
export function pythonSample(app: VehicleApp): { [path: string]: string } {
  const plan = samplePlan(app);
  const files: { [path: string]: string } = {
    'requirements.txt': REQUIREMENTS,
    'requirements-dev.txt': REQUIREMENTS_DEV,
    'pytest.ini': PYTEST_INI,
    'src/main.py': mainPy(app, plan),
    'src/logic.py': logicPy(app.name),
    'src/heartbeat.py': HEARTBEAT_PY,
    'src/startup.py': STARTUP_PY,
    'tests/unit/test_logic.py': TEST_LOGIC_PY,
    'tests/unit/test_heartbeat.py': TEST_HEARTBEAT_PY,
    'tests/unit/test_startup.py': TEST_STARTUP_PY,
    'tests/unit/test_app.py': testAppPy(app, plan),
    'tests/integration/test_integration.py': integrationTestPy(app, plan),
  };
  if (plan.signals.length > 0) files['src/vehicle.py'] = vehiclePy(plan);
  return files;
}

/** The Python bindings that follow the manifest, by path relative to the app folder (regenerated on every synth). */
export function pythonBindings(app: VehicleApp): { [path: string]: string } {
  void app;
  return {};
}

/** Python string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/** A Python tuple of string literals. */
function pyTuple(values: string[]): string {
  return `(${values.map(str).join(', ')}${values.length === 1 ? ',' : ''})`;
}

/** The runtime services the Velocitas SDK connects to when the app starts (its first MQTT connect does not retry). */
const STARTUP_SERVICES = ['vehicledatabroker', 'mqtt'];

const FLOAT_TYPES = ['float', 'double'];

/** A Python literal of a value VSS gives (an allowed value, a min or max). */
function literal(value: string | number, datatype: string): string {
  if (typeof value === 'string') return str(value);
  return FLOAT_TYPES.includes(datatype) && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** A value the signal takes, as Python source: its first allowed value, or one inside its VSS range. */
function sampleValue(signal: SampleSignal): string {
  const { datatype, allowed, min, max } = signal.vss;
  if (allowed && allowed.length > 0) return literal(allowed[0], datatype);
  if (datatype === 'boolean') return 'True';
  if (datatype === 'string') return '"sample"';
  const preferred = FLOAT_TYPES.includes(datatype) ? 12.5 : 42;
  return literal(Math.min(Math.max(preferred, min ?? -Infinity), max ?? Infinity), datatype);
}

/** A value the datatype rejects, as Python source. */
function wrongValue(signal: SampleSignal): string {
  switch (signal.vss.datatype) {
    case 'boolean': return '"yes"';
    case 'string': return '42';
    default: return '"high"';
  }
}

/** A value of the right datatype that VSS does not allow for the signal, as Python source; undefined when it allows every value. */
function disallowedValue(signal: SampleSignal): string | undefined {
  const { datatype, allowed, min, max } = signal.vss;
  if (allowed && allowed.length > 0) {
    if (allowed.every(a => typeof a === 'number')) return literal(Math.max(...(allowed as number[])) + 1, datatype);
    let text = 'NOT_ALLOWED';
    while (allowed.includes(text)) text = `${text}_`;
    return str(text);
  }
  if (max !== undefined) return literal(max + 1, datatype);
  if (min !== undefined) return literal(min - 1, datatype);
  return undefined;
}

/** The `SignalSpec(...)` of logic.py that checks a requested value against what VSS allows. */
function signalSpec(signal: SampleSignal): string {
  const { datatype, allowed, min, max } = signal.vss;
  const args = [str(datatype)];
  if (min !== undefined) args.push(`minimum=${literal(min, datatype)}`);
  if (max !== undefined) args.push(`maximum=${literal(max, datatype)}`);
  if (allowed && allowed.length > 0) args.push(`allowed=(${allowed.map(a => literal(a, datatype)).join(', ')}${allowed.length === 1 ? ',' : ''})`);
  return `SignalSpec(${args.join(', ')})`;
}

/** Name of the module constant holding a signal's spec in main.py, e.g. `POSITION_SPEC`. */
function specName(signal: SampleSignal): string {
  return `${signal.snake.replace(/_$/, '').toUpperCase()}_SPEC`;
}

/** `uint16, in mm` — the datatype and unit, for comments. */
function describeFacts(signal: SampleSignal): string {
  return `${signal.vss.datatype}${signal.vss.unit ? `, in ${signal.vss.unit}` : ''}`;
}

function pythonType(datatype: string): string {
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

function rootOf(plan: SamplePlan): { className: string; instance: string } | undefined {
  const root = (plan.watched ?? plan.target)?.segments[0];
  return root === undefined ? undefined : { className: identifier(root), instance: identifier(snakeCase(root)) };
}

function docLine(app: VehicleApp): string {
  const text = (app.description ?? '').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
  return text.length > 0 ? text : 'A Velocitas vehicle app.';
}

function mainPy(app: VehicleApp, plan: SamplePlan): string {
  const { watched, target, requestTopic, responseTopic, updateTopic } = plan;
  const root = rootOf(plan);
  const getMode = watched !== undefined && target === undefined && requestTopic !== undefined;

  const logicImports = new Set<string>();
  if (requestTopic) ['RequestError', 'parse_request'].forEach(n => logicImports.add(n));
  if (requestTopic && target) logicImports.add('SignalSpec');
  if (responseTopic) ['error_response', 'ok_response'].forEach(n => logicImports.add(n));
  if (updateTopic) logicImports.add('update_event');

  const lines: string[] = [
    SPDX,
    `"""${app.name}: ${docLine(app)}`,
    '',
    'Signals and topics follow AppManifest.json; the SDK finds the services through the SDV_* environment',
    '(SDV_MIDDLEWARE_TYPE=native). Run from the app folder: python3 -u src/main.py',
    '"""',
    '',
    'import asyncio',
    'import logging',
    'import signal',
    '',
    'from velocitas_sdk.util.log import (',
    '    get_default_date_format,',
    '    get_default_log_format,',
    '    get_log_level,',
    ')',
  ];
  if (watched) lines.push('from velocitas_sdk.vdb.reply import DataPointReply');
  lines.push(`from velocitas_sdk.vehicle_app import VehicleApp${requestTopic ? ', subscribe_topic' : ''}`);
  lines.push('', 'from heartbeat import beat');
  if (logicImports.size > 0) lines.push(...fromImport('logic', [...logicImports].sort(caseSensitive)));
  lines.push('from startup import wait_for_services');
  if (root) lines.push(`from vehicle import ${root.className}, ${root.instance}`);
  lines.push('', `logger = logging.getLogger(${str(app.name)})`, '');
  if (requestTopic) lines.push(`REQUEST_TOPIC = ${str(requestTopic)}`);
  if (responseTopic) lines.push(`RESPONSE_TOPIC = ${str(responseTopic)}`);
  if (updateTopic) lines.push(`UPDATE_TOPIC = ${str(updateTopic)}`);
  if (requestTopic && target) {
    lines.push(`# What ${target.source} allows for ${target.path} (${describeFacts(target)}).`, `${specName(target)} = ${signalSpec(target)}`);
  }
  lines.push('# Services located through SDV_<NAME>_ADDRESS, logged at start.');
  lines.push(`SERVICES: tuple[str, ...] = ${pyTuple(plan.services.map(s => s.name))}`);
  lines.push('# Services the SDK connects to when the app starts; the app waits until they answer.');
  lines.push(`STARTUP_SERVICES: tuple[str, ...] = ${pyTuple(plan.services.map(s => s.name).filter(n => STARTUP_SERVICES.includes(n)))}`);
  lines.push('', '');

  // The app class.
  lines.push(`class ${plan.className}(VehicleApp):`);
  lines.push(...docstring('    ', classDoc(plan)), '');
  if (root) {
    lines.push(`    def __init__(self, vehicle_client: ${root.className}):`);
    lines.push('        super().__init__()');
    lines.push('        self.vehicle = vehicle_client');
    if (getMode) lines.push(`        self.${watched.snake}: ${pythonType(watched.vss.datatype)} | None = None`);
    lines.push('');
  }
  if (!plan.usesPubSub) {
    lines.push(
      '    async def run(self) -> None:',
      '        """Runs without MQTT: VehicleApp.run() connects to a broker this app does not use."""',
      '        await self.on_start()',
      '        await asyncio.Event().wait()  # until the task is cancelled',
      '',
    );
  }
  lines.push('    async def on_start(self) -> None:');
  if (watched) {
    lines.push(
      ...docstring('        ', `Subscribes to ${watched.path} once the middleware is up.`),
      `        await self.vehicle.${attributePath(watched)}.subscribe(self.on_${watched.snake}_changed)`,
    );
  } else {
    lines.push(
      '        """Called once the middleware is up; subscribe to signals here."""',
      `        logger.info("${app.name} started")`,
    );
  }
  if (watched) {
    const v = watched.snake;
    lines.push(
      '',
      `    async def on_${v}_changed(self, reply: DataPointReply) -> None:`,
      ...docstring('        ', `Handles each new value of ${watched.path}.`),
      `        ${v} = reply.get(self.vehicle.${attributePath(watched)}).value`,
      `        logger.info("${watched.field} is %s", ${v})`,
    );
    if (getMode) lines.push(`        self.${v} = ${v}`);
    if (updateTopic) lines.push(`        await self.publish_event(UPDATE_TOPIC, update_event(${str(watched.field)}, ${v}))`);
  }
  if (requestTopic) lines.push('', ...requestHandler(plan, getMode));
  if (responseTopic) {
    lines.push(
      '',
      '    async def respond(self, response: str) -> None:',
      '        """Publishes a response on RESPONSE_TOPIC."""',
      '        await self.publish_event(RESPONSE_TOPIC, response)',
    );
  }

  // The entry point.
  const appArgs = root ? root.instance : '';
  lines.push(
    '',
    '',
    `async def serve(app: ${plan.className}) -> None:`,
    '    """Waits until the runtime services answer, then runs the app and its heartbeat."""',
    '    # Here, not in the chart (an init container): the services may start after the app anywhere it runs.',
    '    await wait_for_services(app.middleware.service_locator, STARTUP_SERVICES)',
    '    # The container\'s probes check the heartbeat file: it stays fresh while the event loop runs, and',
    '    # starts only now, so the pod turns ready once its services answer.',
    '    beating = asyncio.create_task(beat())',
    '    try:',
    '        await app.run()',
    '    finally:',
    '        beating.cancel()',
    '        await asyncio.gather(beating, return_exceptions=True)  # it removes the heartbeat file',
    '',
    '',
    'async def main() -> None:',
    '    """Runs the app until SIGTERM or SIGINT, then ends its subscriptions and connections."""',
    '    logging.basicConfig(',
    '        format=get_default_log_format(), datefmt=get_default_date_format(), level=get_log_level()',
    '    )',
    `    app = ${plan.className}(${appArgs})`,
    '    for service in SERVICES:',
    '        logger.info("%s at %s", service, app.middleware.service_locator.get_service_location(service))',
    '',
    '    running = asyncio.create_task(serve(app))',
    '    loop = asyncio.get_running_loop()',
    '    for stop_signal in (signal.SIGTERM, signal.SIGINT):',
    '        loop.add_signal_handler(stop_signal, running.cancel)',
    '    try:',
    '        await running',
    '    except asyncio.CancelledError:',
    '        logger.info("Stopping")',
    '    finally:',
    '        await app.stop()',
    '',
    '',
    'if __name__ == "__main__":',
    '    asyncio.run(main())',
    '',
  );
  return lines.join('\n');
}

/** A docstring at the indent, wrapped at 100 columns. */
function docstring(indent: string, text: string): string[] {
  const one = `${indent}"""${text}"""`;
  if (one.length <= 100) return [one];
  const lines: string[] = [];
  let line = `${indent}"""`;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 100 && line.trim() !== '"""') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd(), `${indent}"""`);
  return lines;
}

/** `from module import a, b` on one line, or one name per line when that exceeds ruff's 88 columns, as isort writes it. */
function fromImport(module: string, names: string[]): string[] {
  const line = `from ${module} import ${names.join(', ')}`;
  return line.length <= 88 ? [line] : [`from ${module} import (`, ...names.map(n => `    ${n},`), ')'];
}

/** isort's order: CONSTANTS, then Classes, then functions, each alphabetical. */
function caseSensitive(a: string, b: string): number {
  const rank = (n: string) => (/^[A-Z0-9_]+$/.test(n) ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function classDoc(plan: SamplePlan): string {
  const { watched, target, requestTopic, updateTopic } = plan;
  if (target && requestTopic) {
    const reports = watched === target ? ' its value' : ` ${watched?.path}`;
    return `Sets ${target.path} on request${watched && updateTopic ? ` and reports${reports}` : ''}.`;
  }
  if (watched && requestTopic) return `Watches ${watched.path} and answers requests for it.`;
  if (watched) return `Watches ${watched.path}${updateTopic ? ' and publishes its updates' : ''}.`;
  if (requestTopic) return 'Answers requests.';
  return 'Add the signals and topics the app uses to AppManifest.json, then handle them here.';
}

function requestHandler(plan: SamplePlan, getMode: boolean): string[] {
  const { watched, target, responseTopic } = plan;
  const respond = (expression: string) => (responseTopic ? [`            await self.respond(${expression})`] : []);
  const lines: string[] = ['    @subscribe_topic(REQUEST_TOPIC)', '    async def on_request(self, payload: str) -> None:'];
  if (target) {
    lines.push(
      ...docstring('        ', `Sets ${target.path} to the requested value${responseTopic ? ' and answers on RESPONSE_TOPIC' : ''}.`),
      '        try:',
      `            request = parse_request(payload, ${str(target.field)}, ${specName(target)})`,
      '        except RequestError as error:',
      '            logger.warning("Rejected request: %s", error)',
      ...respond('error_response(error.request_id, str(error))'),
      '            return',
      '        try:',
      `            await self.vehicle.${attributePath(target)}.set(request.value)`,
      '        except Exception:  # the databroker is unreachable or refuses the value',
      `            logger.exception("Could not set ${target.field}")`,
      ...respond(`error_response(request.request_id, "Could not set ${target.field}")`),
      '            return',
      `        logger.info("Set ${target.field} to %s", request.value)`,
    );
    if (responseTopic) lines.push(`        await self.respond(ok_response(request.request_id, f"Set ${target.field} to {request.value}"))`);
    return lines;
  }
  const doc = getMode && watched
    ? `Answers with the latest ${watched.path}${responseTopic ? ' on RESPONSE_TOPIC' : ''}.`
    : `Acknowledges each request${responseTopic ? ' on RESPONSE_TOPIC' : ''}; react to it here.`;
  lines.push(
    ...docstring('        ', doc),
    '        try:',
    '            request = parse_request(payload)',
    '        except RequestError as error:',
    '            logger.warning("Rejected request: %s", error)',
    ...respond('error_response(error.request_id, str(error))'),
    '            return',
    '        logger.info("Request %s", request.request_id)',
  );
  if (responseTopic && getMode && watched) {
    const v = watched.snake;
    lines.push(
      `        message = f"${watched.field} is {self.${v}}"`,
      `        await self.respond(ok_response(request.request_id, message, {${str(watched.field)}: self.${v}}))`,
    );
  } else if (responseTopic) {
    lines.push('        await self.respond(ok_response(request.request_id, "Received"))');
  }
  return lines;
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
    SPDX,
    '"""The part of the vehicle model this app uses, built from velocitas_sdk.model classes.',
    '',
    'Velocitas generates the full model from the VSS file in AppManifest.json; this one holds only the',
    'signals the manifest names, in the same shape, so `vehicle.Cabin.Seat...` reads the same. Each',
    `DataPoint class follows the signal's datatype in ${sources}.`,
    '"""',
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

function testAppPy(app: VehicleApp, plan: SamplePlan): string {
  const { watched, target, requestTopic, responseTopic, updateTopic } = plan;
  const root = rootOf(plan);
  const getMode = watched !== undefined && target === undefined && requestTopic !== undefined;
  const cls = plan.className;
  const mainImports = [cls];
  if (responseTopic) mainImports.push('RESPONSE_TOPIC');
  if (updateTopic) mainImports.push('UPDATE_TOPIC');

  const usesJson = requestTopic !== undefined || updateTopic !== undefined;
  const lines: string[] = [
    SPDX,
    `"""Unit tests of ${cls}: its message handling, with the broker connections mocked."""`,
    '',
    ...(!plan.usesPubSub ? ['import asyncio'] : []),
    ...(usesJson ? ['import json'] : []),
    'import logging',
    'from unittest import mock',
    '',
    'import pytest',
  ];
  if (watched) {
    lines.push(
      'from velocitas_sdk.proto.broker_pb2 import SubscribeReply',
      'from velocitas_sdk.proto.types_pb2 import Datapoint',
      'from velocitas_sdk.vdb.reply import DataPointReply',
    );
  }
  lines.push('from velocitas_sdk.vehicle_app import VehicleApp', '');
  lines.push(...fromImport('main', mainImports.sort(caseSensitive)));
  if (root) lines.push(`from vehicle import ${root.instance}`);
  lines.push('');
  if (watched) lines.push(`WATCHED = ${root!.instance}.${attributePath(watched)}`);
  if (target) lines.push(`TARGET = ${root!.instance}.${attributePath(target)}`);
  if (watched || target) lines.push('');
  lines.push(
    '',
    '@pytest.fixture',
    'async def app():',
    '    """The app with MQTT publishing replaced by a mock."""',
    `    app = ${cls}(${root ? root.instance : ''})`,
    '    app.publish_event = mock.AsyncMock()',
    '    return app',
    '',
    '',
    'def published(app):',
    '    """The (topic, payload) pairs the app published, payloads parsed from JSON."""',
    `    return [(call.args[0], ${usesJson ? 'json.loads(call.args[1])' : 'call.args[1]'}) for call in app.publish_event.await_args_list]`,
    '',
    '',
    'def test_is_a_vehicle_app(app):',
    '    assert isinstance(app, VehicleApp)',
  );

  const test = (name: string, body: string[], fixtures = 'app') => {
    lines.push('', '', `async def test_${name}(${fixtures}):`, ...body.map(l => (l ? `    ${l}` : '')));
  };

  if (watched) {
    const v = watched.snake;
    const value = sampleValue(watched);
    test(`subscribes_to_${v}_on_start`, [
      'with mock.patch.object(WATCHED, "subscribe", new_callable=mock.AsyncMock) as subscribe:',
      '    await app.on_start()',
      `subscribe.assert_awaited_once_with(app.on_${v}_changed)`,
    ]);
    const body = [
      'caplog.set_level(logging.INFO)',
      `datapoint = Datapoint(${datapointField(watched.vss.datatype)}=${value})`,
      `await app.on_${v}_changed(DataPointReply(SubscribeReply(fields={WATCHED.get_path(): datapoint})))`,
      `assert "${watched.field} is ${pyStr(value)}" in caplog.text`,
    ];
    if (updateTopic) body.push(`assert published(app) == [(UPDATE_TOPIC, {${str(watched.field)}: ${value}})]`);
    else body.push('assert published(app) == []');
    if (getMode) body.push(`assert app.${v} == ${value}`);
    test(`handles_${v}_updates`, body, 'app, caplog');
  } else {
    test('logs_its_start', [
      'caplog.set_level(logging.INFO)',
      'await app.on_start()',
      `assert "${app.name} started" in caplog.text`,
    ], 'app, caplog');
  }

  if (!plan.usesPubSub) {
    test('runs_without_mqtt', [
      'with mock.patch.object(app, "on_start", new_callable=mock.AsyncMock) as on_start, mock.patch.object(',
      '    app.middleware, "start", new_callable=mock.AsyncMock',
      ') as connect_mqtt:',
      '    running = asyncio.create_task(app.run())',
      '    await asyncio.sleep(0.01)',
      '    running.cancel()',
      '    with pytest.raises(asyncio.CancelledError):',
      '        await running',
      'on_start.assert_awaited_once()',
      'connect_mqtt.assert_not_awaited()',
    ]);
  }

  const expectResponse = (status: number, requestId: string, extra: string[] = []) => responseTopic
    ? [
      '[(topic, response)] = published(app)',
      'assert topic == RESPONSE_TOPIC',
      `assert response["requestId"] ${requestId === 'None' ? 'is' : '=='} ${requestId}`,
      `assert response["result"]["status"] == ${status}`,
      ...extra,
    ]
    : ['assert published(app) == []'];

  if (target && requestTopic) {
    const value = sampleValue(target);
    const f = str(target.field);
    test(`request_sets_${target.snake}`, [
      'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock) as set_value:',
      `    await app.on_request(json.dumps({"requestId": 7, ${f}: ${value}}))`,
      `set_value.assert_awaited_once_with(${value})`,
      ...expectResponse(0, '7'),
    ]);
    test(`rejects_a_request_without_${target.snake}`, [
      'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock) as set_value:',
      '    await app.on_request(json.dumps({"requestId": 8}))',
      'set_value.assert_not_awaited()',
      ...expectResponse(1, '8', [`assert ${str(target.field)} in response["result"]["message"]`]),
    ]);
    test(`rejects_a_${target.snake}_of_the_wrong_type`, [
      'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock) as set_value:',
      `    await app.on_request(json.dumps({"requestId": 9, ${f}: ${wrongValue(target)}}))`,
      'set_value.assert_not_awaited()',
      ...expectResponse(1, '9'),
    ]);
    const disallowed = disallowedValue(target);
    if (disallowed !== undefined) {
      test(`rejects_a_${target.snake}_that_vss_does_not_allow`, [
        'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock) as set_value:',
        `    await app.on_request(json.dumps({"requestId": 11, ${f}: ${disallowed}}))`,
        'set_value.assert_not_awaited()',
        ...expectResponse(1, '11'),
      ]);
    }
    test('reports_a_failed_set', [
      'caplog.set_level(logging.INFO)',
      'failure = RuntimeError("databroker unavailable")',
      'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock, side_effect=failure):',
      `    await app.on_request(json.dumps({"requestId": 10, ${f}: ${value}}))`,
      `assert "Could not set ${target.field}" in caplog.text`,
      ...expectResponse(1, '10'),
    ], 'app, caplog');
  } else if (requestTopic && getMode && watched) {
    const value = sampleValue(watched);
    test(`answers_with_the_latest_${watched.snake}`, [
      `app.${watched.snake} = ${value}`,
      'await app.on_request(json.dumps({"requestId": 3}))',
      ...expectResponse(0, '3', [`assert response["result"][${str(watched.field)}] == ${value}`]),
    ]);
  } else if (requestTopic) {
    test('acknowledges_a_request', [
      'await app.on_request(json.dumps({"requestId": 3}))',
      ...expectResponse(0, '3'),
    ]);
  }
  if (requestTopic) {
    test('answers_malformed_json_with_an_error', [
      'await app.on_request("not json")',
      ...expectResponse(1, 'None'),
    ]);
  }
  lines.push('');
  return lines.join('\n');
}

/** The text Python's str() gives for a literal of the sample values. */
function pyStr(source: string): string {
  return source.startsWith('"') ? source.slice(1, -1) : source;
}
