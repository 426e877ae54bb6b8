// Files of the Python sample that do not depend on the manifest.

import { HEARTBEAT } from '../app/heartbeat';
import { GRPCIO_VERSION } from '../grpc/grpc-stubs';

export const SPDX = '# SPDX-License-Identifier: Apache-2.0';

/** velocitas-sdk and everything it installs, pinned so every image build gets the same packages. */
export const REQUIREMENTS = `# Runtime dependencies, pinned so every image build installs the same packages.
velocitas-sdk==0.15.7

# velocitas-sdk pins these exactly:
aiohttp==3.10.11
cloudevents==1.11.0
grpcio==${GRPCIO_VERSION}
opentelemetry-api==1.25.0
opentelemetry-distro==0.46b0
opentelemetry-instrumentation-logging==0.46b0
opentelemetry-sdk==1.25.0
paho-mqtt==2.1.0
protobuf==5.29.5

# ...and they pull in these:
aiohappyeyeballs==2.7.1
aiosignal==1.4.0
attrs==26.1.0
Deprecated==1.3.1
deprecation==2.1.0
frozenlist==1.8.0
idna==3.20
importlib-metadata==7.1.0
multidict==6.9.1
opentelemetry-instrumentation==0.46b0
opentelemetry-semantic-conventions==0.46b0
packaging==26.3
propcache==0.5.4
# opentelemetry-instrumentation 0.46b0 imports pkg_resources, which setuptools 81 removed.
setuptools==80.10.2
typing-extensions==4.16.0
wrapt==1.17.3
yarl==1.25.1
zipp==4.1.2
`;

export const REQUIREMENTS_DEV = `# Test dependencies: pip install -r requirements-dev.txt
-r requirements.txt
pytest==9.2.0
pytest-asyncio==1.5.0
pytest-cov==7.1.0
ruff==0.17.6
`;

export const PYTEST_INI = `[pytest]
# Run from this folder: \`pytest\` runs the unit tests, \`pytest tests/integration\` the integration tests.
pythonpath = src
testpaths = tests/unit
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
markers =
    integration: needs the runtime services (KUKSA databroker, MQTT broker); skipped when they do not answer
filterwarnings =
    error
    # paho-mqtt 2 warns about the callback API version velocitas-sdk 0.15 uses.
    ignore:Callback API version 1 is deprecated:DeprecationWarning
    # opentelemetry-instrumentation 0.46b0 imports pkg_resources.
    ignore:pkg_resources is deprecated:UserWarning
`;

export function logicPy(appName: string): string {
  return `${SPDX}
"""Business logic of ${appName}: message parsing and building, free of I/O.

Messages are JSON in the shape of the Velocitas examples, with a field per signal (Signal.field):

    request:  {"requestId": 1, "position": 300}
    response: {"requestId": 1, "result": {"status": 0, "message": "..."}}
    update:   {"position": 300}
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generated.signals import Signal, Value

STATUS_OK = 0
STATUS_FAILED = 1

RequestId = int | str | None

# Value ranges of the VSS integer datatypes.
INTEGER_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}


class RequestError(ValueError):
    """A request the app cannot act on; the message goes back to the sender."""

    def __init__(self, message: str, request_id: RequestId = None):
        super().__init__(message)
        self.request_id = request_id


@dataclass(frozen=True)
class Request:
    """A parsed request: its id and its other fields."""

    request_id: RequestId
    fields: dict[str, Any] = field(default_factory=dict)


def parse_request(payload: str) -> Request:
    """Parses a JSON request object."""
    try:
        message = json.loads(payload)
    except json.JSONDecodeError as error:
        raise RequestError(f"Request is not JSON: {error.msg}") from error
    if not isinstance(message, dict):
        raise RequestError("Request is not a JSON object")
    request_id = message.pop("requestId", None)
    if isinstance(request_id, bool) or not isinstance(request_id, (int, str, type(None))):
        raise RequestError("requestId is neither a number nor a string")
    return Request(request_id, message)


def requested_values(request: Request, signals: Iterable[Signal]) -> list[tuple[Signal, Value]]:
    """The values the request names for \`signals\`, each as VSS allows it; raises RequestError for a bad one."""
    values = []
    for signal in signals:
        if signal.field in request.fields:
            try:
                values.append((signal, to_value(request.fields[signal.field], signal)))
            except RequestError as error:
                raise RequestError(f"{signal.field}: {error}", request.request_id) from error
    return values


def to_value(value: Any, signal: Signal) -> Value:
    """The JSON value as the signal holds it; raises RequestError when VSS does not allow it."""
    if signal.datatype.endswith("[]"):
        if not isinstance(value, list):
            raise RequestError(f"{value!r} is not a list")
        return [to_datatype(item, signal.datatype[:-2]) for item in value]
    converted = to_datatype(value, signal.datatype)
    if signal.allowed and converted not in signal.allowed:
        raise RequestError(f"{value!r} is not one of {', '.join(map(str, signal.allowed))}")
    if signal.minimum is not None and converted < signal.minimum:
        raise RequestError(f"{value!r} is below the minimum {signal.minimum}")
    if signal.maximum is not None and converted > signal.maximum:
        raise RequestError(f"{value!r} is above the maximum {signal.maximum}")
    return converted


def to_datatype(value: Any, datatype: str) -> Value:
    """The JSON value as the VSS datatype holds it; raises RequestError when it does not fit."""
    if datatype == "boolean":
        if isinstance(value, bool):
            return value
        raise RequestError(f"{value!r} is not true or false")
    if datatype == "string":
        if isinstance(value, str):
            return value
        raise RequestError(f"{value!r} is not a string")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(f"{value!r} is not a number")
    if datatype in INTEGER_RANGES:
        low, high = INTEGER_RANGES[datatype]
        if isinstance(value, float) and not value.is_integer():
            raise RequestError(f"{value!r} is not a whole number")
        if not low <= value <= high:
            raise RequestError(f"{value!r} is outside {low}..{high} ({datatype})")
        return int(value)
    if datatype in ("float", "double"):
        if not math.isfinite(value):
            raise RequestError(f"{value!r} is not a finite number")
        return float(value)
    raise ValueError(f"Unknown VSS datatype {datatype!r}")


def ok_response(request_id: RequestId, message: str, values: dict[str, Any] | None = None) -> str:
    """A response telling the sender its request was carried out."""
    return _response(request_id, STATUS_OK, message, values)


def error_response(request_id: RequestId, message: str) -> str:
    """A response telling the sender why its request failed."""
    return _response(request_id, STATUS_FAILED, message)


def update_event(field: str, value: Value) -> str:
    """An event announcing a new value."""
    return json.dumps({field: value})


def _response(request_id: RequestId, status: int, message: str, values: dict[str, Any] | None = None) -> str:
    result = {"status": status, "message": message, **(values or {})}
    return json.dumps({"requestId": request_id, "result": result})
`;
}

export const TEST_LOGIC_PY = `${SPDX}
"""Unit tests of the business logic."""

import json

import pytest

from generated.signals import Signal
from logic import (
    STATUS_FAILED,
    STATUS_OK,
    Request,
    RequestError,
    error_response,
    ok_response,
    parse_request,
    requested_values,
    to_datatype,
    to_value,
    update_event,
)

POSITION = Signal("Vehicle.Seat.Position", "position", "uint16", minimum=0)
HEIGHT = Signal("Vehicle.Seat.Height", "height", "uint8", maximum=100)


def spec(datatype, **facts):
    return Signal("Vehicle.Test", "test", datatype, **facts)


def test_parses_a_request_with_its_fields():
    assert parse_request('{"requestId": 7, "position": 300}') == Request(7, {"position": 300})


def test_parses_a_request_without_fields():
    assert parse_request('{"requestId": "abc"}') == Request("abc")


def test_a_request_id_is_optional():
    assert parse_request("{}") == Request(None)


@pytest.mark.parametrize(
    "payload, reason",
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"requestId": true}', "requestId"),
        ('{"requestId": [1]}', "requestId"),
    ],
)
def test_rejects_malformed_requests(payload, reason):
    with pytest.raises(RequestError, match=reason) as raised:
        parse_request(payload)
    assert raised.value.request_id is None


def test_takes_the_values_the_request_names():
    request = parse_request('{"requestId": 7, "position": 300.0}')
    assert requested_values(request, (POSITION, HEIGHT)) == [(POSITION, 300)]


def test_a_request_naming_no_signal_has_no_values():
    assert requested_values(parse_request('{"requestId": 9}'), (POSITION,)) == []


def test_names_the_field_of_a_bad_value_and_keeps_the_id():
    with pytest.raises(RequestError, match="position: -1 is outside 0..65535") as raised:
        requested_values(parse_request('{"requestId": 9, "position": -1}'), (POSITION,))
    assert raised.value.request_id == 9


@pytest.mark.parametrize(
    "value, datatype, expected",
    [
        (300, "uint16", 300),
        (300.0, "uint16", 300),
        (-128, "int8", -128),
        (2**64 - 1, "uint64", 2**64 - 1),
        (12, "float", 12.0),
        (12.5, "double", 12.5),
        (True, "boolean", True),
        ("on", "string", "on"),
    ],
)
def test_accepts_values_of_the_datatype(value, datatype, expected):
    converted = to_datatype(value, datatype)
    assert converted == expected
    assert type(converted) is type(expected)


@pytest.mark.parametrize(
    "value, datatype",
    [
        (65536, "uint16"),
        (-1, "uint8"),
        (128, "int8"),
        (1.5, "int32"),
        (True, "uint16"),
        ("300", "uint16"),
        (None, "float"),
        (float("nan"), "float"),
        (float("inf"), "double"),
        (1, "boolean"),
        (1, "string"),
    ],
)
def test_rejects_values_outside_the_datatype(value, datatype):
    with pytest.raises(RequestError):
        to_datatype(value, datatype)


@pytest.mark.parametrize(
    "value, spec",
    [
        (50, spec("uint8", minimum=0, maximum=100)),
        (-90.0, spec("double", minimum=-90.0, maximum=90.0)),
        ("FAST", spec("string", allowed=("OFF", "FAST"))),
        (["a", "b"], spec("string[]")),
    ],
)
def test_accepts_values_vss_allows(value, spec):
    assert to_value(value, spec) == value


@pytest.mark.parametrize(
    "value, spec, reason",
    [
        (101, spec("uint8", minimum=0, maximum=100), "above the maximum 100"),
        (-90.5, spec("double", minimum=-90.0, maximum=90.0), "below the minimum -90.0"),
        ("TURBO", spec("string", allowed=("OFF", "FAST")), "not one of OFF, FAST"),
        (300, spec("uint8"), "outside 0..255"),
        ("a", spec("string[]"), "not a list"),
        ([1], spec("string[]"), "not a string"),
    ],
)
def test_rejects_values_vss_does_not_allow(value, spec, reason):
    with pytest.raises(RequestError, match=reason):
        to_value(value, spec)


def test_an_unknown_datatype_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown VSS datatype"):
        to_datatype(1, "uint128")


def test_ok_response_carries_id_status_message_and_values():
    assert json.loads(ok_response(7, "done", {"position": 300})) == {
        "requestId": 7,
        "result": {"status": STATUS_OK, "message": "done", "position": 300},
    }


def test_error_response_carries_id_status_and_message():
    assert json.loads(error_response(None, "broken")) == {
        "requestId": None,
        "result": {"status": STATUS_FAILED, "message": "broken"},
    }


def test_update_event_holds_the_value():
    assert json.loads(update_event("speed", 12.5)) == {"speed": 12.5}
`;

export const HEARTBEAT_PY = `${SPDX}
"""Liveness heartbeat: a file touched while the event loop runs.

The container's probes fail when the file is older than ${HEARTBEAT.maxAgeSeconds} seconds, so the kubelet restarts
an app that hangs, not only one that exits. \`${HEARTBEAT.fileVariable}\` names the file.
"""

import asyncio
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = ${HEARTBEAT.intervalSeconds}


def heartbeat_file() -> Path:
    """The file the probes check: $${HEARTBEAT.fileVariable}, by default ${HEARTBEAT.defaultFile}."""
    return Path(os.environ.get("${HEARTBEAT.fileVariable}", "${HEARTBEAT.defaultFile}"))


async def beat(interval: float = INTERVAL_SECONDS) -> None:
    """Touches the heartbeat file every \`interval\` seconds until cancelled, then removes it."""
    file = heartbeat_file()
    warned = False
    try:
        while True:
            try:
                file.touch()
            except OSError as error:
                if not warned:
                    logger.warning("Cannot write the heartbeat file; the container's probes will fail: %s", error)
                warned = True
            await asyncio.sleep(interval)
    finally:
        file.unlink(missing_ok=True)
`;

export const TEST_HEARTBEAT_PY = `${SPDX}
"""Unit tests of the liveness heartbeat."""

import asyncio
import os

import pytest

from heartbeat import beat, heartbeat_file


@pytest.fixture
def file(tmp_path, monkeypatch):
    path = tmp_path / "heartbeat"
    monkeypatch.setenv("${HEARTBEAT.fileVariable}", str(path))
    return path


def test_the_file_defaults_to_tmp(monkeypatch):
    monkeypatch.delenv("${HEARTBEAT.fileVariable}", raising=False)
    assert str(heartbeat_file()) == "${HEARTBEAT.defaultFile}"


async def test_touches_the_file_while_running_and_removes_it_when_cancelled(file):
    beating = asyncio.create_task(beat(interval=0.01))
    await asyncio.sleep(0.05)
    assert file.exists()
    os.utime(file, (0, 0))  # as if the last beat were long ago
    await asyncio.sleep(0.05)
    assert file.stat().st_mtime > 0

    beating.cancel()
    with pytest.raises(asyncio.CancelledError):
        await beating
    assert not file.exists()


async def test_keeps_beating_and_warns_once_when_the_file_cannot_be_written(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("${HEARTBEAT.fileVariable}", str(tmp_path / "missing" / "heartbeat"))
    beating = asyncio.create_task(beat(interval=0.01))
    await asyncio.sleep(0.05)
    assert not beating.done()
    beating.cancel()
    with pytest.raises(asyncio.CancelledError):
        await beating
    assert [r.levelname for r in caplog.records] == ["WARNING"]
`;

export const STARTUP_PY = `${SPDX}
"""Waiting for the runtime services the app connects to when it starts.

A fresh install starts the app, the databroker and the MQTT broker at the same time, and the Velocitas
SDK's first MQTT connect does not retry: an app that came up first would exit and be restarted. So the
app waits, retrying with growing delays, until each service accepts a connection, and then starts.
"""

import asyncio
import logging
from collections.abc import Iterable
from urllib.parse import urlparse

from velocitas_sdk.base import ServiceLocator

logger = logging.getLogger(__name__)

# paho-mqtt's port, which the SDK uses when SDV_MQTT_ADDRESS names none.
DEFAULT_PORTS = {"mqtt": 1883}
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 5.0


async def wait_until_reachable(
    name: str, address: str, first_delay: float = FIRST_DELAY_SECONDS, max_delay: float = MAX_DELAY_SECONDS
) -> None:
    """Returns once \`address\` (scheme://host:port) accepts a TCP connection; the delays double up to \`max_delay\`."""
    parsed = urlparse(address)
    host, port = parsed.hostname, parsed.port or DEFAULT_PORTS.get(parsed.scheme)
    if host is None or port is None:
        logger.warning("Not waiting for %s: %r names no host and port", name, address)
        return
    delay = first_delay
    waited = False
    while True:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=max_delay)
        except OSError as error:  # refused, unresolvable, or TimeoutError
            logger.info("Waiting for %s at %s (%s); next try in %.1f s", name, address, error or "timed out", delay)
            waited = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            continue
        writer.close()
        await writer.wait_closed()
        if waited:
            logger.info("%s at %s answers", name, address)
        return


async def wait_for_services(locator: ServiceLocator, names: Iterable[str]) -> None:
    """Waits until every named service answers at the address the SDK will use (SDV_<NAME>_ADDRESS)."""
    for name in names:
        await wait_until_reachable(name, locator.get_service_location(name))
`;

export const TEST_STARTUP_PY = `${SPDX}
"""Unit tests of waiting for the runtime services."""

import asyncio
import logging

import pytest

from startup import wait_for_services, wait_until_reachable


async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()
    await writer.wait_closed()


async def unused_port() -> int:
    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


class Locator:
    """A service locator with fixed addresses."""

    def __init__(self, addresses: dict[str, str]):
        self.addresses = addresses
        self.asked: list[str] = []

    def get_service_location(self, name: str) -> str:
        self.asked.append(name)
        return self.addresses[name]


async def test_returns_at_once_when_the_service_answers(caplog):
    caplog.set_level(logging.INFO)
    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.wait_for(wait_until_reachable("mqtt", f"mqtt://127.0.0.1:{port}"), timeout=5)
    assert "Waiting" not in caplog.text


async def test_waits_for_a_service_that_starts_later(caplog):
    caplog.set_level(logging.INFO)
    port = await unused_port()
    address = f"mqtt://127.0.0.1:{port}"
    waiting = asyncio.create_task(wait_until_reachable("mqtt", address, first_delay=0.05, max_delay=0.2))
    await asyncio.sleep(0.5)
    assert not waiting.done()

    server = await asyncio.start_server(accept, "127.0.0.1", port)
    async with server:
        await asyncio.wait_for(waiting, timeout=5)
    assert f"Waiting for mqtt at {address}" in caplog.text
    assert f"mqtt at {address} answers" in caplog.text


class Enough(Exception):
    """Ends a wait that would go on forever."""


async def test_the_delays_grow_to_the_maximum(monkeypatch):
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 5:
            raise Enough

    monkeypatch.setattr(asyncio, "sleep", record)
    port = await unused_port()
    with pytest.raises(Enough):
        await wait_until_reachable("mqtt", f"mqtt://127.0.0.1:{port}", first_delay=0.5, max_delay=3)
    assert delays == [0.5, 1.0, 2.0, 3, 3]


async def test_an_address_without_host_is_not_waited_for(caplog):
    await asyncio.wait_for(wait_until_reachable("seats", "seats"), timeout=1)
    assert "Not waiting for seats" in caplog.text


async def test_waits_for_each_named_service_at_its_sdv_address():
    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    locator = Locator({"vehicledatabroker": f"grpc://127.0.0.1:{port}", "mqtt": f"mqtt://127.0.0.1:{port}"})
    async with server:
        await asyncio.wait_for(wait_for_services(locator, ("vehicledatabroker", "mqtt")), timeout=5)
    assert locator.asked == ["vehicledatabroker", "mqtt"]
`;
