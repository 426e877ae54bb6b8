import { LINE_LENGTH, pythonBindings } from './python-bindings';
import { HEARTBEAT_PY, logicPy, PYTEST_INI, REQUIREMENTS, REQUIREMENTS_DEV, SPDX, STARTUP_PY, TEST_HEARTBEAT_PY, TEST_LOGIC_PY, TEST_STARTUP_PY } from './python-files';
import { integrationTestPy } from './python-integration-test';
import { className, samplePlan } from './sample-plan';
import { VehicleApp } from '../app/vehicle-app';

export { pythonBindings };

/**
 * Python sample app on the Velocitas SDK, by path relative to the app folder: written once, owned by the developer.
 *
 * The logic reaches the interfaces through the generated bindings alone (`src/generated/`, see python-bindings.ts),
 * so the same sample works for any manifest: one written before the interfaces were declared uses them once they are.
 * The container runs `python3 -u src/main.py` from the app folder.
 */
export function pythonSample(app: VehicleApp): { [path: string]: string } {
  return {
    'requirements.txt': REQUIREMENTS,
    'requirements-dev.txt': REQUIREMENTS_DEV,
    'pytest.ini': PYTEST_INI,
    'ruff.toml': RUFF_TOML,
    'src/main.py': mainPy(app),
    'src/logic.py': logicPy(app.name),
    'src/heartbeat.py': HEARTBEAT_PY,
    'src/startup.py': STARTUP_PY,
    'tests/unit/test_logic.py': TEST_LOGIC_PY,
    'tests/unit/test_heartbeat.py': TEST_HEARTBEAT_PY,
    'tests/unit/test_startup.py': TEST_STARTUP_PY,
    'tests/unit/test_app.py': testAppPy(app),
    'tests/integration/test_integration.py': integrationTestPy(app, samplePlan(app)),
  };
}

/** ruff's settings: what ruff format --check and ruff check (npx projen build, CI) hold the sources to. */
const RUFF_TOML = `# ruff's settings for the app's sources: \`ruff format --check .\` and \`ruff check .\` (npx projen build, CI).
line-length = ${LINE_LENGTH}
`;

function docLine(app: VehicleApp): string {
  const text = (app.description ?? '').replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
  return text.length > 0 ? text : 'A Velocitas vehicle app.';
}

function mainPy(app: VehicleApp): string {
  const cls = className(app.name);
  return `${SPDX}
"""${app.name}: ${docLine(app)}

${cls} holds the app's logic on top of ${cls}Base (src/generated/base.py), which \`npx projen\`
regenerates from the interfaces in .projenrc.ts: add a signal or topic there and it reaches on_signal or
on_message here; override its hook (e.g. on_<signal>_changed) to handle it on its own. The SDK finds the
services through the SDV_* environment (SDV_MIDDLEWARE_TYPE=native). Run from the app folder:
python3 -u src/main.py
"""

import asyncio
import logging
import signal
from typing import Any

from velocitas_sdk.util.log import (
    get_default_date_format,
    get_default_log_format,
    get_log_level,
)

from generated.base import ${cls}Base
from generated.services import SERVICES, STARTUP_SERVICES
from generated.signals import WRITE_SIGNALS, Signal
from generated.topics import RESPONSES, UPDATES
from heartbeat import beat
from logic import (
    RequestError,
    error_response,
    ok_response,
    parse_request,
    requested_values,
    update_event,
)
from startup import wait_for_services

logger = logging.getLogger(${JSON.stringify(app.name)})


class ${cls}(${cls}Base):
    """Announces each value it reads, sets the values a request names, and answers."""

    def __init__(self, **model: Any) -> None:
        super().__init__(**model)
        # The last value of each read signal, by its JSON field.
        self.latest: dict[str, Any] = {}

    async def on_start(self) -> None:
        await super().on_start()
        logger.info("${app.name} started")

    async def on_signal(self, signal: Signal, value: Any) -> None:
        """Keeps the new value and announces it on every update topic."""
        logger.info("%s is %s", signal.field, value)
        self.latest[signal.field] = value
        for topic in UPDATES:
            await self.publish(topic, update_event(signal.field, value))

    async def on_message(self, topic: str, payload: str) -> None:
        """Handles a request and answers on the topic's response topic."""
        response = await self.handle_request(payload)
        if topic in RESPONSES:
            await self.publish(RESPONSES[topic], response)

    async def handle_request(self, payload: str) -> str:
        """Sets the written signals the request names; a request naming none gets the latest values."""
        try:
            request = parse_request(payload)
            values = requested_values(request, WRITE_SIGNALS)
        except RequestError as error:
            logger.warning("Rejected request: %s", error)
            return error_response(error.request_id, str(error))
        if not values:
            logger.info("Request %s for the latest values", request.request_id)
            return ok_response(request.request_id, "Latest values", self.latest)
        for written, value in values:
            try:
                await self.set_signal(written, value)
            except Exception:  # the databroker is unreachable or refuses the value
                logger.exception("Could not set %s", written.field)
                return error_response(request.request_id, f"Could not set {written.field}")
        done = ", ".join(f"{written.field} to {value}" for written, value in values)
        logger.info("Set %s", done)
        return ok_response(request.request_id, f"Set {done}")


async def serve(app: ${cls}) -> None:
    """Waits until the runtime services answer, then runs the app and its heartbeat."""
    # Here, not in the chart (an init container): the services may start after the app anywhere it runs.
    names = [service.name for service in STARTUP_SERVICES]
    await wait_for_services(app.middleware.service_locator, names)
    # The container's probes check the heartbeat file: it stays fresh while the event loop runs, and
    # starts only now, so the pod turns ready once its services answer.
    beating = asyncio.create_task(beat())
    try:
        await app.run()
    finally:
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)  # it removes the heartbeat file


async def main() -> None:
    """Runs the app until SIGTERM or SIGINT, then ends its subscriptions and connections."""
    logging.basicConfig(format=get_default_log_format(), datefmt=get_default_date_format(), level=get_log_level())
    app = ${cls}()
    for service in SERVICES:
        location = app.middleware.service_locator.get_service_location(service.name)
        logger.info("%s at %s", service.name, location)

    running = asyncio.create_task(serve(app))
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, running.cancel)
    try:
        await running
    except asyncio.CancelledError:
        logger.info("Stopping")
    finally:
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main())
`;
}

function testAppPy(app: VehicleApp): string {
  const cls = className(app.name);
  return `${SPDX}
"""Unit tests of ${cls}: every read signal and read topic of the manifest, with the connections mocked.

The tests take the signals and topics from the generated bindings, so they follow .projenrc.ts.
"""

import json
import logging
from unittest import mock

import pytest
from velocitas_sdk.vehicle_app import VehicleApp

from generated.base import SIGNAL_HOOKS, TOPIC_HOOKS, ${cls}Base
from generated.signals import READ_SIGNALS, WRITE_SIGNALS
from generated.topics import READS, RESPONSES, UPDATES
from main import ${cls}


@pytest.fixture
async def app():
    """The app with MQTT publishing and databroker writes replaced by mocks."""
    app = ${cls}()
    app.publish_event = mock.AsyncMock()
    app.set_signal = mock.AsyncMock()
    return app


def published(app):
    """The (topic, payload) pairs the app published, payloads parsed from JSON."""
    return [(call.args[0], json.loads(call.args[1])) for call in app.publish_event.await_args_list]


def test_is_a_vehicle_app(app):
    assert isinstance(app, VehicleApp)


async def test_logs_its_start(app, caplog):
    caplog.set_level(logging.INFO)
    with mock.patch.object(${cls}Base, "on_start", new_callable=mock.AsyncMock) as subscribe:
        await app.on_start()
    subscribe.assert_awaited_once()
    assert "${app.name} started" in caplog.text


@pytest.mark.parametrize("signal", READ_SIGNALS, ids=lambda s: s.path)
async def test_announces_each_value_it_reads(app, signal, caplog):
    caplog.set_level(logging.INFO)
    await getattr(app, SIGNAL_HOOKS[signal.path])(signal.example)
    assert f"{signal.field} is {signal.example}" in caplog.text
    assert app.latest == {signal.field: signal.example}
    assert published(app) == [(topic, {signal.field: signal.example}) for topic in UPDATES]


@pytest.mark.parametrize("topic", READS)
@pytest.mark.parametrize("signal", WRITE_SIGNALS, ids=lambda s: s.path)
async def test_a_request_sets_each_written_signal(app, topic, signal):
    request = {"requestId": 7, signal.field: signal.example}
    await getattr(app, TOPIC_HOOKS[topic])(json.dumps(request))
    app.set_signal.assert_awaited_once_with(signal, signal.example)
    assert_answered(app, topic, 7, status=0)


@pytest.mark.parametrize("topic", READS)
async def test_a_request_naming_no_signal_gets_the_latest_values(app, topic):
    app.latest = {"speed": 12.5}
    await getattr(app, TOPIC_HOOKS[topic])(json.dumps({"requestId": 3}))
    app.set_signal.assert_not_awaited()
    response = assert_answered(app, topic, 3, status=0)
    if response is not None:
        assert response["result"]["speed"] == 12.5


@pytest.mark.parametrize("topic", READS)
async def test_answers_malformed_json_with_an_error(app, topic):
    await getattr(app, TOPIC_HOOKS[topic])("not json")
    assert_answered(app, topic, None, status=1)


@pytest.mark.parametrize("topic", READS)
@pytest.mark.parametrize("signal", WRITE_SIGNALS, ids=lambda s: s.path)
async def test_rejects_a_value_of_the_wrong_type(app, topic, signal):
    wrong = 42 if signal.datatype == "string" else "high"
    await getattr(app, TOPIC_HOOKS[topic])(json.dumps({"requestId": 9, signal.field: wrong}))
    app.set_signal.assert_not_awaited()
    assert_answered(app, topic, 9, status=1)


def disallowed(signal):
    """A value of the signal's datatype that VSS does not allow for it, or None when it allows every value."""
    if signal.allowed:
        if all(isinstance(value, str) for value in signal.allowed):
            return "_".join(map(str, signal.allowed)) + "_"
        return max(signal.allowed) + 1
    if signal.maximum is not None:
        return signal.maximum + 1
    if signal.minimum is not None:
        return signal.minimum - 1
    return None


@pytest.mark.parametrize("topic", READS)
@pytest.mark.parametrize("signal", WRITE_SIGNALS, ids=lambda s: s.path)
async def test_rejects_a_value_vss_does_not_allow(app, topic, signal):
    value = disallowed(signal)
    if value is None:
        pytest.skip(f"VSS allows every {signal.datatype} value for {signal.path}")
    await getattr(app, TOPIC_HOOKS[topic])(json.dumps({"requestId": 11, signal.field: value}))
    app.set_signal.assert_not_awaited()
    assert_answered(app, topic, 11, status=1)


@pytest.mark.parametrize("topic", READS)
@pytest.mark.parametrize("signal", WRITE_SIGNALS, ids=lambda s: s.path)
async def test_reports_a_failed_set(app, topic, signal, caplog):
    app.set_signal.side_effect = RuntimeError("databroker unavailable")
    await getattr(app, TOPIC_HOOKS[topic])(json.dumps({"requestId": 10, signal.field: signal.example}))
    assert f"Could not set {signal.field}" in caplog.text
    assert_answered(app, topic, 10, status=1)


def assert_answered(app, topic, request_id, status):
    """The one response on the topic's response topic, if it has one; returns it."""
    if topic not in RESPONSES:
        assert published(app) == []
        return None
    [(response_topic, response)] = published(app)
    assert response_topic == RESPONSES[topic]
    assert response["requestId"] == request_id
    assert response["result"]["status"] == status
    return response
`;
}
