import { HEARTBEAT_PY, logicPy, PYTEST_INI, REQUIREMENTS, REQUIREMENTS_DEV, SPDX, TEST_HEARTBEAT_PY, TEST_LOGIC_PY } from './python-files';
import { identifier, SamplePlan, samplePlan, SampleSignal, snakeCase, VssDatatype } from './sample-plan';
import { VehicleApp } from '../app/vehicle-app';
import { DATABROKER, INTEGRATION_REQUIRED, MQTT_BROKER } from '../runtime/runtime-service-catalogue';

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
    'tests/unit/test_logic.py': TEST_LOGIC_PY,
    'tests/unit/test_heartbeat.py': TEST_HEARTBEAT_PY,
    'tests/unit/test_app.py': testAppPy(app, plan),
    'tests/integration/test_integration.py': integrationTestPy(app, plan),
  };
  if (plan.signals.length > 0) files['src/vehicle.py'] = vehiclePy(app, plan);
  return files;
}

/** Python string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

/** Value of each datatype that the unit tests send, as Python source. */
function sampleValue(datatype: VssDatatype): string {
  switch (datatype) {
    case 'boolean': return 'True';
    case 'string': return '"sample"';
    case 'float': case 'double': return '12.5';
    default: return '42';
  }
}

/** A value the datatype rejects, as Python source. */
function wrongValue(datatype: VssDatatype): string {
  switch (datatype) {
    case 'boolean': return '"yes"';
    case 'string': return '42';
    default: return '"high"';
  }
}

/** The field of the databroker's protobuf Datapoint holding the datatype. */
function protoField(datatype: VssDatatype): string {
  switch (datatype) {
    case 'boolean': return 'bool_value';
    case 'string': return 'string_value';
    case 'float': return 'float_value';
    case 'double': return 'double_value';
    case 'int8': case 'int16': case 'int32': return 'int32_value';
    case 'int64': return 'int64_value';
    case 'uint64': return 'uint64_value';
    default: return 'uint32_value';
  }
}

function pythonType(datatype: VssDatatype): string {
  switch (datatype) {
    case 'boolean': return 'bool';
    case 'string': return 'str';
    case 'float': case 'double': return 'float';
    default: return 'int';
  }
}

function dataPointClass(datatype: VssDatatype): string {
  const name = datatype === 'boolean' ? 'Boolean' : datatype.charAt(0).toUpperCase() + datatype.slice(1);
  return `DataPoint${name}`;
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
  if (logicImports.size > 0) lines.push(`from logic import ${[...logicImports].sort(caseSensitive).join(', ')}`);
  if (root) lines.push(`from vehicle import ${root.className}, ${root.instance}`);
  lines.push('', `logger = logging.getLogger(${str(app.name)})`, '');
  if (requestTopic) lines.push(`REQUEST_TOPIC = ${str(requestTopic)}`);
  if (responseTopic) lines.push(`RESPONSE_TOPIC = ${str(responseTopic)}`);
  if (updateTopic) lines.push(`UPDATE_TOPIC = ${str(updateTopic)}`);
  lines.push('# Services located through SDV_<NAME>_ADDRESS, logged at start.');
  lines.push(`SERVICES: tuple[str, ...] = (${plan.services.map(s => str(s.name)).join(', ')}${plan.services.length === 1 ? ',' : ''})`);
  lines.push('', '');

  // The app class.
  lines.push(`class ${plan.className}(VehicleApp):`);
  lines.push(...docstring('    ', classDoc(plan)), '');
  if (root) {
    lines.push(`    def __init__(self, vehicle_client: ${root.className}):`);
    lines.push('        super().__init__()');
    lines.push('        self.vehicle = vehicle_client');
    if (getMode) lines.push(`        self.${watched.snake}: ${pythonType(watched.datatype)} | None = None`);
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
    'async def main() -> None:',
    '    """Runs the app until SIGTERM or SIGINT, then ends its subscriptions and connections."""',
    '    logging.basicConfig(',
    '        format=get_default_log_format(), datefmt=get_default_date_format(), level=get_log_level()',
    '    )',
    `    app = ${plan.className}(${appArgs})`,
    '    for service in SERVICES:',
    '        logger.info("%s at %s", service, app.middleware.service_locator.get_service_location(service))',
    '',
    '    running = asyncio.create_task(app.run())',
    '    # The container\'s probes check the heartbeat file: it stays fresh while the event loop runs.',
    '    beating = asyncio.create_task(beat())',
    '    loop = asyncio.get_running_loop()',
    '    for stop_signal in (signal.SIGTERM, signal.SIGINT):',
    '        loop.add_signal_handler(stop_signal, running.cancel)',
    '    try:',
    '        await running',
    '    except asyncio.CancelledError:',
    '        logger.info("Stopping")',
    '    finally:',
    '        beating.cancel()',
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
      `            request = parse_request(payload, ${str(target.field)}, ${str(target.datatype)})`,
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

function vehiclePy(app: VehicleApp, plan: SamplePlan): string {
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

  const used = [...new Set(plan.signals.map(s => dataPointClass(s.datatype)))].sort();
  const vss = app.manifest.vssSource ?? 'the VSS file';
  const lines: string[] = [
    SPDX,
    '"""The part of the vehicle model this app uses, built from velocitas_sdk.model classes.',
    '',
    'Velocitas generates the full model from the VSS file in AppManifest.json; this one holds only the',
    'signals the manifest names, in the same shape, so `vehicle.Cabin.Seat...` reads the same. Each',
    "DataPoint class must match the signal's datatype in",
    `${vss}`,
    '"""',
    '',
    `from velocitas_sdk.model import ${[...used, 'Model'].join(', ')}`,
  ];
  for (const b of branches) {
    lines.push('', '', `class ${b.className}(Model):`, `    """${b.path}"""`, '');
    const isRoot = !b.path.includes('.');
    lines.push(`    def __init__(self, name: str${isRoot ? ', parent: Model | None = None' : ', parent: Model'}):`);
    lines.push('        super().__init__(parent)', '        self.name = name');
    for (const child of b.children.values()) {
      const attribute = identifier(child.name);
      if (child.signal) {
        const note = child.signal.assumed ? `  # datatype assumed: check ${child.signal.path} in the VSS file` : '';
        lines.push(`        self.${attribute} = ${dataPointClass(child.signal.datatype)}(${str(child.name)}, self)${note}`);
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
  lines.push(`from main import ${mainImports.sort(caseSensitive).join(', ')}`);
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
    const value = sampleValue(watched.datatype);
    test(`subscribes_to_${v}_on_start`, [
      'with mock.patch.object(WATCHED, "subscribe", new_callable=mock.AsyncMock) as subscribe:',
      '    await app.on_start()',
      `subscribe.assert_awaited_once_with(app.on_${v}_changed)`,
    ]);
    const body = [
      'caplog.set_level(logging.INFO)',
      `datapoint = Datapoint(${protoField(watched.datatype)}=${value})`,
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
    const value = sampleValue(target.datatype);
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
      `    await app.on_request(json.dumps({"requestId": 9, ${f}: ${wrongValue(target.datatype)}}))`,
      'set_value.assert_not_awaited()',
      ...expectResponse(1, '9'),
    ]);
    test('reports_a_failed_set', [
      'caplog.set_level(logging.INFO)',
      'failure = RuntimeError("databroker unavailable")',
      'with mock.patch.object(TARGET, "set", new_callable=mock.AsyncMock, side_effect=failure):',
      `    await app.on_request(json.dumps({"requestId": 10, ${f}: ${value}}))`,
      `assert "Could not set ${target.field}" in caplog.text`,
      ...expectResponse(1, '10'),
    ], 'app, caplog');
  } else if (requestTopic && getMode && watched) {
    const value = sampleValue(watched.datatype);
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
function pyStr(literal: string): string {
  return literal.startsWith('"') ? literal.slice(1, -1) : literal;
}

function integrationTestPy(app: VehicleApp, plan: SamplePlan): string {
  const { target, watched, requestTopic, responseTopic } = plan;
  const usesSignals = app.manifest.usesVehicleSignals;
  const lines: string[] = [
    SPDX,
    `"""Integration tests of ${app.name} against the runtime services.`,
    '',
    'They run where the services answer (the CI integration job, or a local runtime with the app',
    'deployed) and are skipped elsewhere. Addresses come from SDV_*_ADDRESS, ports from VDB_PORT and',
    'MQTT_PORT. Run them from the app folder: pytest tests/integration',
    '"""',
    '',
    ...['os', 'signal', 'socket', 'subprocess', 'sys', 'time', ...(responseTopic ? ['json', 'queue', 'uuid'] : [])].sort().map(m => `import ${m}`),
  ];
  lines.push('from pathlib import Path', 'from urllib.parse import urlparse', '');
  if (usesSignals) lines.push('import grpc');
  if (responseTopic) lines.push('import paho.mqtt.client as mqtt');
  lines.push('import pytest');
  if (usesSignals) {
    lines.push(
      'from velocitas_sdk.proto.broker_pb2 import GetMetadataRequest',
      'from velocitas_sdk.proto.broker_pb2_grpc import BrokerStub',
    );
  }
  lines.push(
    '',
    'MAIN = Path(__file__).resolve().parents[2] / "src" / "main.py"',
    '',
    '',
    'def endpoint(address_variable: str, port_variable: str, default_port: int) -> tuple[str, int]:',
    `    """Host and port of a service: the host from SDV_*_ADDRESS, the port from ${DATABROKER.portVariable}/${MQTT_BROKER.portVariable}."""`,
    '    address = urlparse(os.getenv(address_variable, ""))',
    '    return address.hostname or "localhost", int(os.getenv(port_variable) or address.port or default_port)',
    '',
    '',
    'def hostport(service: tuple[str, int]) -> str:',
    '    host, port = service',
    '    return f"{host}:{port}"',
    '',
    '',
    'def reachable(host: str, port: int) -> bool:',
    '    try:',
    '        with socket.create_connection((host, port), timeout=1):',
    '            return True',
    '    except OSError:',
    '        return False',
    '',
    '',
    `DATABROKER = endpoint("SDV_VEHICLEDATABROKER_ADDRESS", "${DATABROKER.portVariable}", ${DATABROKER.port})`,
    `MQTT = endpoint("SDV_MQTT_ADDRESS", "${MQTT_BROKER.portVariable}", ${MQTT_BROKER.port})`,
    `# CI sets ${INTEGRATION_REQUIRED}=1: there a service that does not answer fails the tests instead of skipping them.`,
    `REQUIRED = os.getenv("${INTEGRATION_REQUIRED}") == "1"`,
    '',
    'pytestmark = pytest.mark.integration',
    'needs_databroker = pytest.mark.skipif(not REQUIRED and not reachable(*DATABROKER), reason=f"no databroker at {hostport(DATABROKER)}")',
    'needs_mqtt = pytest.mark.skipif(not REQUIRED and not reachable(*MQTT), reason=f"no MQTT broker at {hostport(MQTT)}")',
    '',
    '',
  );
  if (plan.usesPubSub) lines.push('@needs_mqtt');
  lines.push(
    'def test_app_starts_and_stops_on_sigterm():',
    '    env = {',
    '        **os.environ,',
    '        "SDV_MIDDLEWARE_TYPE": "native",',
    '        "SDV_VEHICLEDATABROKER_ADDRESS": f"grpc://{hostport(DATABROKER)}",',
    '        "SDV_MQTT_ADDRESS": f"mqtt://{hostport(MQTT)}",',
    '        "LOGLEVEL": "INFO",',
    '    }',
    '    command = [sys.executable, "-u", str(MAIN)]',
    '    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as app:',
    '        try:',
    '            time.sleep(3)',
    '            assert app.poll() is None, app.stdout.read().decode()',
    '            app.send_signal(signal.SIGTERM)',
    '            assert app.wait(timeout=10) == 0, app.stdout.read().decode()',
    '        finally:',
    '            app.kill()',
  );
  if (usesSignals) {
    const path = (watched ?? target ?? plan.signals[0])?.path;
    if (path) {
      lines.push(
        '',
        '',
        '@needs_databroker',
        `def test_databroker_knows_${(watched ?? target ?? plan.signals[0]).snake}():`,
        `    signal_path = ${str(path)}`,
        '    with grpc.insecure_channel(hostport(DATABROKER)) as channel:',
        '        metadata = BrokerStub(channel).GetMetadata(GetMetadataRequest(names=[signal_path]), timeout=5)',
        '    assert [entry.name for entry in metadata.list] == [signal_path]',
      );
    }
  }
  if (requestTopic && responseTopic) {
    const request = target ? `, ${str(target.field)}: ${sampleValue(target.datatype)}` : '';
    lines.push(
      '',
      '',
      ...(usesSignals ? ['@needs_databroker'] : []),
      '@needs_mqtt',
      'def test_answers_a_request():',
      '    """Needs the app running against these services (e.g. deployed by the CI integration job)."""',
      '    request_id = str(uuid.uuid4())',
      '    responses: queue.Queue = queue.Queue()',
      '    subscribed = queue.Queue()',
      '    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)',
      '    client.on_message = lambda _client, _userdata, message: responses.put(json.loads(message.payload))',
      '    client.on_subscribe = lambda *_args: subscribed.put(True)',
      '    client.connect(*MQTT)',
      '    client.loop_start()',
      '    try:',
      `        client.subscribe(${str(responseTopic)})`,
      '        subscribed.get(timeout=10)',
      `        client.publish(${str(requestTopic)}, json.dumps({"requestId": request_id${request}}))`,
      '        response = responses.get(timeout=20)',
      '        while response["requestId"] != request_id:  # answers to other senders',
      '            response = responses.get(timeout=20)',
      '    finally:',
      '        client.loop_stop()',
      '        client.disconnect()',
      '    assert response["result"]["status"] == 0, response',
    );
  }
  lines.push('');
  return lines.join('\n');
}
