import { datapointField } from './databroker-datapoint';
import { SPDX } from './python-files';
import { identifier, SamplePlan, SampleSignal, snakeCase } from './sample-plan';
import { VehicleApp } from '../app/vehicle-app';
import { DATABROKER, INTEGRATION_REQUIRED, MQTT_BROKER } from '../runtime/runtime-service-catalogue';

/** The VSS datatype of a signal, as the sample plan holds it. */
function datatypeOf(signal: SampleSignal): string {
  return signal.vss.datatype;
}

/** Python string literal. */
function str(value: string): string {
  return JSON.stringify(value);
}

const INTEGER_TYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];

/**
 * A Python expression of a value of the datatype that differs from `current` (a Python expression), so a
 * change notification follows when it is set. Small numbers fit every integer type and are exact in float32.
 */
function newValue(datatype: string, current: string): string {
  if (datatype === 'boolean') return `not ${current}`;
  if (datatype === 'string') return 'str(uuid.uuid4())';
  const choice = `random.choice([value for value in range(1, 101) if value != ${current}])`;
  return INTEGER_TYPES.includes(datatype) ? choice : `random.choice([value + 0.5 for value in range(1, 101) if value + 0.5 != ${current}])`;
}

type Namer = (signal: SampleSignal) => string;

/**
 * The name of a signal's path constant: its leaf (`POSITION`), or its whole path below the root where two
 * signals share a leaf (`CABIN_SEAT_ROW1_DRIVER_SIDE_POSITION`).
 */
function constantNamer(plan: SamplePlan): Namer {
  const leaves = plan.signals.map(s => s.snake);
  return signal => {
    const unique = leaves.filter(leaf => leaf === signal.snake).length === 1;
    const words = unique ? [signal.snake] : signal.segments.slice(1).map(snakeCase);
    return identifier(words.join('_').replace(/_$/, '').toUpperCase());
  };
}

/** A datatype as a part of an identifier: `string[]` → `string_array`. */
function typeWord(datatype: string): string {
  return datatype.replace(/\[\]$/, '_array');
}

/**
 * The app's integration tests: they run against the real KUKSA databroker and MQTT broker, with the app
 * running against the same services, and observe the app on MQTT while they drive the vehicle signals.
 * @internal
 */
export function integrationTestPy(app: VehicleApp, plan: SamplePlan): string {
  const { target, watched, requestTopic, responseTopic, updateTopic } = plan;
  const constant = constantNamer(plan);
  const usesSignals = app.manifest.usesVehicleSignals && plan.signals.length > 0;
  const usesMqtt = plan.usesPubSub && (requestTopic !== undefined || updateTopic !== undefined);
  const getMode = watched !== undefined && target === undefined && requestTopic !== undefined;

  const body: string[] = [];
  if (usesSignals) body.push(...databrokerHelpers());
  if (usesMqtt) body.push(...mqttHelpers());
  body.push(...startTest(plan));
  if (usesSignals) body.push(...signalTests(plan, constant));
  if (watched && updateTopic) body.push(...updateTest(watched, constant));
  if (target && requestTopic && responseTopic) body.push(...roundTripTest(plan, target, constant));
  else if (getMode && watched && responseTopic) body.push(...latestValueTest(plan, watched, constant));
  else if (requestTopic && responseTopic) body.push(...acknowledgeTest());
  // Standard modules as the tests use them (`uuid.uuid4()`), so none is imported unused; os and socket
  // serve the address helpers every file has.
  const code = body.join('\n');
  const modules = ['json', 'os', 'queue', 'random', 'signal', 'socket', 'subprocess', 'sys', 'time', 'uuid']
    .filter(m => m === 'os' || m === 'socket' || new RegExp(`(?<![\\w.])${m}\\.[A-Za-z_]`).test(code));

  const lines: string[] = [
    SPDX,
    `"""Integration tests of ${app.name} against the runtime services and the running app.`,
    '',
    'They need the KUKSA databroker and the MQTT broker (hosts from SDV_*_ADDRESS, ports from',
    `${DATABROKER.portVariable} and ${MQTT_BROKER.portVariable}), and the app running against the same services (deployed by the CI`,
    'integration job, or `python3 src/main.py`). The tests act as the vehicle: they write signals as a',
    'provider does and watch what the app publishes. Skipped where the services do not answer; with',
    `${INTEGRATION_REQUIRED}=1 (CI) they fail instead. Run them from the app folder: pytest tests/integration`,
    '"""',
    '',
    ...modules.map(m => `import ${m}`),
  ];
  if (usesMqtt) lines.push('from contextlib import contextmanager');
  lines.push('from pathlib import Path', 'from urllib.parse import urlparse', '');
  if (usesSignals) lines.push('import grpc');
  if (usesMqtt) lines.push('import paho.mqtt.client as mqtt');
  lines.push('import pytest');
  if (usesSignals) {
    lines.push(
      'from velocitas_sdk.proto.broker_pb2 import GetDatapointsRequest, GetMetadataRequest',
      'from velocitas_sdk.proto.broker_pb2_grpc import BrokerStub',
      'from velocitas_sdk.proto.collector_pb2 import UpdateDatapointsRequest',
      'from velocitas_sdk.proto.collector_pb2_grpc import CollectorStub',
      'from velocitas_sdk.proto.types_pb2 import Datapoint, DatapointError, DataType',
    );
  }
  lines.push(
    '',
    'MAIN = Path(__file__).resolve().parents[2] / "src" / "main.py"',
  );
  for (const signal of plan.signals) lines.push(`${constant(signal)} = ${str(signal.path)}`);
  if (requestTopic) lines.push(`REQUEST_TOPIC = ${str(requestTopic)}`);
  if (responseTopic) lines.push(`RESPONSE_TOPIC = ${str(responseTopic)}`);
  if (updateTopic) lines.push(`UPDATE_TOPIC = ${str(updateTopic)}`);
  lines.push(
    '# How long the app may take to react.',
    'TIMEOUT_SECONDS = 20',
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
    'needs_databroker = pytest.mark.skipif(',
    '    not REQUIRED and not reachable(*DATABROKER), reason=f"no databroker at {hostport(DATABROKER)}"',
    ')',
    'needs_mqtt = pytest.mark.skipif(not REQUIRED and not reachable(*MQTT), reason=f"no MQTT broker at {hostport(MQTT)}")',
  );
  lines.push(...body, '');
  return lines.join('\n');
}

function databrokerHelpers(): string[] {
  return [
    '',
    '',
    'def metadata(path: str):',
    '    """What the databroker knows of a signal (from the VSS file it loaded); fails when it does not know it."""',
    '    with grpc.insecure_channel(hostport(DATABROKER)) as channel:',
    '        reply = BrokerStub(channel).GetMetadata(GetMetadataRequest(names=[path]), timeout=5)',
    '    assert [entry.name for entry in reply.list] == [path], f"the databroker does not know {path}"',
    '    return reply.list[0]',
    '',
    '',
    'def set_current_value(path: str, datapoint: Datapoint) -> None:',
    '    """Writes the current value of a signal as its provider in the vehicle does (the collector API)."""',
    '    entry_id = metadata(path).id',
    '    with grpc.insecure_channel(hostport(DATABROKER)) as channel:',
    '        request = UpdateDatapointsRequest(datapoints={entry_id: datapoint})',
    '        reply = CollectorStub(channel).UpdateDatapoints(request, timeout=5)',
    '    errors = [DatapointError.Name(error) for error in reply.errors.values()]',
    '    assert not errors, f"the databroker refused {path} = {datapoint}: {errors}"',
    '',
    '',
    'def current_value(path: str) -> Datapoint:',
    '    """The current value of a signal, as the app reads it."""',
    '    with grpc.insecure_channel(hostport(DATABROKER)) as channel:',
    '        reply = BrokerStub(channel).GetDatapoints(GetDatapointsRequest(datapoints=[path]), timeout=5)',
    '    return reply.datapoints[path]',
  ];
}

function mqttHelpers(): string[] {
  return [
    '',
    '',
    'class Messages:',
    '    """JSON messages received on the topics a test subscribed to."""',
    '',
    '    def __init__(self, client: mqtt.Client):',
    '        self.client = client',
    '        self.received: queue.Queue = queue.Queue()',
    '',
    '    def publish(self, topic: str, payload: dict) -> None:',
    '        self.client.publish(topic, json.dumps(payload)).wait_for_publish(timeout=10)',
    '',
    '    def next(self, topic: str, matches) -> dict:',
    '        """The first message on `topic` for which `matches(message)` holds; fails after TIMEOUT_SECONDS."""',
    '        deadline = time.monotonic() + TIMEOUT_SECONDS',
    '        seen = []',
    '        while True:',
    '            try:',
    '                received_topic, message = self.received.get(timeout=max(deadline - time.monotonic(), 0.01))',
    '            except queue.Empty:',
    '                raise AssertionError(f"no such message on {topic} in {TIMEOUT_SECONDS} s; received: {seen}") from None',
    '            if received_topic == topic and matches(message):',
    '                return message',
    '            seen.append((received_topic, message))',
    '',
    '',
    '@contextmanager',
    'def subscribed(*topics: str):',
    '    """An MQTT client subscribed to `topics`, collecting their messages."""',
    '    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)',
    '    messages = Messages(client)',
    '    acknowledged: queue.Queue = queue.Queue()',
    '    client.on_message = lambda _client, _userdata, message: messages.received.put(',
    '        (message.topic, json.loads(message.payload))',
    '    )',
    '    client.on_subscribe = lambda *_args: acknowledged.put(True)',
    '    client.connect(*MQTT)',
    '    client.loop_start()',
    '    try:',
    '        for topic in topics:',
    '            client.subscribe(topic)',
    '            acknowledged.get(timeout=10)',
    '        yield messages',
    '    finally:',
    '        client.disconnect()',
    '        client.loop_stop()',
    '        # No cycle through the callbacks: the client and its sockets are freed now, not by the garbage collector.',
    '        client.on_message = client.on_subscribe = None',
  ];
}

function startTest(plan: SamplePlan): string[] {
  const marks = [
    ...(plan.services.some(s => s.name === 'vehicledatabroker') ? ['@needs_databroker'] : []),
    ...(plan.usesPubSub ? ['@needs_mqtt'] : []),
  ];
  return [
    '',
    '',
    ...marks,
    'def test_app_starts_and_stops_on_sigterm():',
    '    """A second instance of the app finds the services at once and stops cleanly."""',
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
    '            running = app.poll() is None',
    '            app.send_signal(signal.SIGTERM)',
    '            code = app.wait(timeout=10)',
    '        finally:',
    '            app.kill()',
    '        output = app.stdout.read().decode()',
    '    assert running and code == 0, output',
    '    assert "Waiting for" not in output, output',
  ];
}

/** The start of a test that sets a signal: markers, name, docstring and `value`, a new value of the signal's datatype. */
function valueTestHead(markers: string[], name: string, doc: string, signal: SampleSignal, constant: Namer): string[] {
  const current = `current_value(${constant(signal)}).${datapointField(datatypeOf(signal))}`;
  return [
    '', '', ...markers.map(marker => `@${marker}`), `def ${name}():`, `    """${doc}"""`,
    // A new string needs no current value.
    ...(datatypeOf(signal) === 'string' ? [] : [`    current = ${current}`]), `    value = ${newValue(datatypeOf(signal), 'current')}`,
  ];
}

function signalTests(plan: SamplePlan, constant: Namer): string[] {
  const lines: string[] = [];
  for (const signal of plan.signals) {
    const datatype = datatypeOf(signal);
    lines.push(
      '',
      '',
      '@needs_databroker',
      `def test_databroker_serves_${constant(signal).toLowerCase()}_as_${typeWord(datatype)}():`,
      `    """The app's vehicle model says ${datatype}: a VSS file that types the signal otherwise breaks the app."""`,
      `    assert DataType.Name(metadata(${constant(signal)}).data_type) == ${str(typeWord(datatype).toUpperCase())}`,
    );
  }
  const probe = plan.watched ?? plan.target;
  if (probe) {
    const field = datapointField(datatypeOf(probe));
    lines.push(
      ...valueTestHead(['needs_databroker'], `test_sets_and_reads_back_${probe.snake}`,
        `A ${datatypeOf(probe)} value written through the SDK's API is read back unchanged.`, probe, constant),
      `    set_current_value(${constant(probe)}, Datapoint(${field}=value))`,
      `    assert current_value(${constant(probe)}).${field} == value`,
    );
  }
  return lines;
}

function updateTest(watched: SampleSignal, constant: Namer): string[] {
  const field = datapointField(datatypeOf(watched));
  return [
    ...valueTestHead(['needs_databroker', 'needs_mqtt'], `test_app_publishes_each_new_${watched.snake}`,
      `The app reads ${watched.path} from the databroker and publishes it on UPDATE_TOPIC.`, watched, constant),
    '    with subscribed(UPDATE_TOPIC) as messages:',
    `        set_current_value(${constant(watched)}, Datapoint(${field}=value))`,
    `        messages.next(UPDATE_TOPIC, lambda update: update.get(${str(watched.field)}) == value)`,
  ];
}

function roundTripTest(plan: SamplePlan, target: SampleSignal, constant: Namer): string[] {
  const field = datapointField(datatypeOf(target));
  const follows = plan.watched === target && plan.updateTopic !== undefined;
  return [
    ...valueTestHead(['needs_databroker', 'needs_mqtt'], `test_a_request_moves_${target.snake}_and_the_app_reports_it`,
      `The request sets the target ${target.path}; the test, acting as the vehicle, follows it.`, target, constant),
    '    request_id = str(uuid.uuid4())',
    `    with subscribed(RESPONSE_TOPIC${follows ? ', UPDATE_TOPIC' : ''}) as messages:`,
    `        messages.publish(REQUEST_TOPIC, {"requestId": request_id, ${str(target.field)}: value})`,
    '        response = messages.next(RESPONSE_TOPIC, lambda message: message.get("requestId") == request_id)',
    '        assert response["result"]["status"] == 0, response',
    '        # The databroker accepted the value as the target. The v1 API the SDK speaks cannot read targets,',
    '        # so the vehicle follows the value the app confirmed: its current value becomes the target.',
    `        set_current_value(${constant(target)}, Datapoint(${field}=value))`,
    ...(follows ? [`        messages.next(UPDATE_TOPIC, lambda update: update.get(${str(target.field)}) == value)`] : []),
    `    assert current_value(${constant(target)}).${field} == value`,
  ];
}

function latestValueTest(plan: SamplePlan, watched: SampleSignal, constant: Namer): string[] {
  const field = datapointField(datatypeOf(watched));
  return [
    ...valueTestHead(['needs_databroker', 'needs_mqtt'], `test_answers_a_request_with_the_latest_${watched.snake}`,
      `The app answers with the ${watched.path} it last read from the databroker.`, watched, constant),
    '    request_id = str(uuid.uuid4())',
    `    with subscribed(RESPONSE_TOPIC${plan.updateTopic ? ', UPDATE_TOPIC' : ''}) as messages:`,
    `        set_current_value(${constant(watched)}, Datapoint(${field}=value))`,
    ...(plan.updateTopic
      ? [`        messages.next(UPDATE_TOPIC, lambda update: update.get(${str(watched.field)}) == value)  # the app has read it`]
      : ['        time.sleep(2)  # the app reads it']),
    '        messages.publish(REQUEST_TOPIC, {"requestId": request_id})',
    '        response = messages.next(RESPONSE_TOPIC, lambda message: message.get("requestId") == request_id)',
    `    assert response["result"]["status"] == 0 and response["result"][${str(watched.field)}] == value, response`,
  ];
}

function acknowledgeTest(): string[] {
  return [
    '',
    '',
    '@needs_mqtt',
    'def test_answers_a_request():',
    '    request_id = str(uuid.uuid4())',
    '    with subscribed(RESPONSE_TOPIC) as messages:',
    '        messages.publish(REQUEST_TOPIC, {"requestId": request_id})',
    '        response = messages.next(RESPONSE_TOPIC, lambda message: message.get("requestId") == request_id)',
    '    assert response["result"]["status"] == 0, response',
  ];
}
