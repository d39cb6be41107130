"""A shipment tracker: carrier events normalised from loosely typed payloads (builtin types
checked by value), a state machine over an `Enum` driven by `match`, and label codes packed
into bytes with `int.to_bytes` and checked with a running checksum."""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any

from waymark import Workflow, action, workflow

NUMBER_TYPES = (int, float)


class Stage(Enum):
    CREATED = "created"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class TrackingError(Exception):
    pass


class IllegalTransition(TrackingError):
    def __init__(self, current: Stage, event: str) -> None:
        super().__init__(f"{event!r} not allowed in {current.name}")
        self.current = current


@dataclass
class Shipment:
    code: str
    stage: Stage = Stage.CREATED
    priority: Priority = Priority.NORMAL
    history: list[str] = field(default_factory=list)


EVENTS: dict[str, list[Any]] = {
    "happy": [
        {"type": "scan", "at": "depot"},
        {"type": "move", "km": 12.5},
        ["move", 30],
        {"type": "out"},
        {"type": "signed", "by": "J. Doe"},
    ],
    "weird": [
        {"type": "scan", "at": "depot"},
        "garbage",
        {"type": "move", "km": "far"},
        {"type": "move", "km": True},
        42,
        {"type": "signed", "by": None},
    ],
    "return": [
        {"type": "scan", "at": "depot"},
        {"type": "refused"},
        {"type": "move", "km": 3},
        {"type": "returned"},
    ],
}


@action
async def fetch_events(code: str) -> list[Any]:
    return EVENTS[code]


def describe(value: Any) -> str:
    if type(value) is dict:
        return "object"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, NUMBER_TYPES):
        return "number"
    if type(value) in (list, tuple):
        return "array"
    return type(value).__name__


def distance(raw: Any) -> float:
    if not isinstance(raw, NUMBER_TYPES) or isinstance(raw, bool):
        raise TrackingError(f"bad distance {raw!r} ({describe(raw)})")
    return float(raw)


def step(shipment: Shipment, event: Any) -> float:
    match shipment.stage, event:
        case Stage.CREATED, {"type": "scan", "at": str(place)}:
            shipment.stage = Stage.PICKED_UP
            shipment.history.append(f"picked up at {place}")
        case Stage.PICKED_UP | Stage.IN_TRANSIT, {"type": "move", "km": km}:
            shipment.stage = Stage.IN_TRANSIT
            return distance(km)
        case Stage.PICKED_UP | Stage.IN_TRANSIT, ["move", int() | float() as km]:
            shipment.stage = Stage.IN_TRANSIT
            return float(km)
        case Stage.IN_TRANSIT, {"type": "out"}:
            shipment.stage = Stage.OUT_FOR_DELIVERY
        case Stage.OUT_FOR_DELIVERY | Stage.IN_TRANSIT, {"type": "signed", "by": str() as who}:
            shipment.stage = Stage.DELIVERED
            shipment.history.append(f"signed by {who.split()[-1]}")
        case _, {"type": "refused"}:
            shipment.priority = Priority.HIGH
            shipment.history.append("refused")
        case stage, {"type": "returned"} if stage is not Stage.DELIVERED:
            shipment.stage = Stage.RETURNED
        case stage, {"type": kind}:
            raise IllegalTransition(stage, kind)
        case _:
            raise TrackingError(f"unreadable event of kind {describe(event)}")
    return 0.0


def label(code: str, priority: Priority) -> str:
    number = int.from_bytes(code.encode(), "big") % 10**8
    packed = number.to_bytes(4, "big") + int(priority).to_bytes(1, "little")
    checksum = list(itertools.accumulate(packed, operator.xor))[-1]
    return f"{packed.hex()}-{checksum:02x}"


@workflow
class TrackShipment(Workflow):
    async def run(self, code: str) -> dict[str, Any]:
        shipment = Shipment(code)
        errors: list[str] = []
        km = 0.0
        for event in await fetch_events(code):
            try:
                km += step(shipment, event)
            except IllegalTransition as error:
                errors.append(f"illegal: {error} (was {error.current.value})")
            except TrackingError as error:
                errors.append(str(error))
        stages = [s.value for s in Stage]
        reached = stages.index(shipment.stage.value)
        columns = [f.name for f in fields(Shipment)]
        return {
            "stage": shipment.stage,
            "progress": f"{reached + 1}/{len(Stage)}",
            "terminal": shipment.stage in (Stage.DELIVERED, Stage.RETURNED),
            "km": round(km, 1),
            "history": shipment.history,
            "errors": errors,
            "priority": shipment.priority.name.lower(),
            "label": label(code, shipment.priority),
            "columns": columns,
            "urgent": [p.name for p in Priority if p >= shipment.priority],
            "pairs": list(itertools.starmap(operator.mul, [(km, 2), (len(errors), 3)])),
        }


class CarrierDown(ConnectionError):
    pass


RETRYABLE = (CarrierDown, TimeoutError)
SCALARS = (str, int, float, bool)

ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    ATTEMPTS.clear()


@action
async def quote_carrier(carrier: str, grams: int) -> str:
    ATTEMPTS[carrier] = ATTEMPTS.get(carrier, 0) + 1
    if carrier == "flaky" and ATTEMPTS[carrier] < 3:
        raise CarrierDown(f"{carrier} unavailable")
    if carrier == "slow":
        raise TimeoutError("carrier timed out")
    if carrier == "broken":
        raise ValueError("bad carrier payload")
    return (grams * 7).to_bytes(3, "big", signed=True).hex()


def volume(width: float, height: float, depth: float) -> float:
    return width * height * depth


@workflow
class QuoteParcels(Workflow):
    async def run(self, carriers: list[str], boxes: list[list[float]]) -> dict[str, Any]:
        quotes: dict[str, Any] = {}
        for carrier in carriers:
            for attempt in range(1, 4):
                try:
                    raw = await quote_carrier(carrier, len(boxes) * 100)
                except RETRYABLE as error:
                    quotes[carrier] = f"retry {attempt}: {type(error).__name__}"
                    continue
                except Exception as error:
                    quotes[carrier] = f"failed: {error}"
                    break
                cents = int.from_bytes(bytes.fromhex(raw), "big", signed=True)
                quotes[carrier] = cents
                break
        volumes = list(itertools.starmap(volume, boxes))
        scaled = [round(v, 3) for v in itertools.starmap(lambda w, h, d: w * h * d / 1000, boxes)]
        flags = {k: type(v) not in SCALARS for k, v in quotes.items()}
        checks = [isinstance(v, SCALARS) and not isinstance(v, bool) for v in quotes.values()]
        try:
            packed = (sum(q for q in quotes.values() if type(q) is int) * 10**6).to_bytes(2, "big")
        except OverflowError as error:
            packed = str(error).encode()
        return {
            "quotes": quotes,
            "volumes": volumes,
            "scaled": scaled,
            "flags": flags,
            "checks": checks,
            "packed": packed.hex(),
            "half": float.fromhex("0x1.8p-1"),
        }


def column_type(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return "text"
    if kind is bool:
        return "boolean"
    if kind in (int, float):
        return f"numeric({kind.__name__})"
    if kind is dict or kind is list:
        return kind.__qualname__
    return "unknown:" + kind.__name__


@workflow
class InferSchema(Workflow):
    """Infers a column type per field of loosely typed carrier records, by class values."""

    async def run(self, code: str) -> dict[str, Any]:
        events = await fetch_events(code)
        columns: dict[str, set[str]] = {}
        for event in events:
            if type(event) is not dict:
                columns.setdefault("$row", set()).add(column_type(event))
                continue
            for key, value in event.items():
                columns.setdefault(key, set()).add(column_type(value))
        kinds = [type(e) for e in events]
        uniform = len(set(kinds)) == 1
        try:
            label = type(kinds[0]).__name__ + ":" + kinds[0].__name__ + "/" + code.__name__
        except AttributeError as error:
            label = str(error)
        samples: list[Any] = [*events, Decimal("2.5"), True, CarrierDown("x"), Stage.CREATED]
        numeric = [issubclass(type(v), (int, float)) for v in samples]
        errors = [issubclass(type(v), ConnectionError | TimeoutError) for v in samples]
        classes = [isinstance(k, type) for k in (type(code), code)]
        return {
            "columns": {k: sorted(v) for k, v in columns.items()},
            "uniform": uniform,
            "label": label,
            "numeric": numeric,
            "errors": errors,
            "classes": classes,
        }
