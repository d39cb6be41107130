"""Pydantic models, dataclasses and enums across the action boundary and built in workflows."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import asdict, astuple, dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum, Flag, IntEnum, IntFlag, StrEnum, auto
from typing import ClassVar, NamedTuple

from pydantic import BaseModel, ValidationError

from waymark import Workflow, action, workflow


class Status(Enum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class Level(IntEnum):
    LOW = 1
    HIGH = 3


class Tier(StrEnum):
    FREE = "free"
    PRO = "pro"


class Address(BaseModel):
    city: str
    zip_code: str = "00000"


class User(BaseModel):
    id: str
    email: str
    active: bool = True
    tags: list[str] = []
    address: Address | None = None
    status: Status = Status.ACTIVE


@dataclass
class Point:
    x: int
    y: int
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Box:
    low: Point
    high: Point


@action
async def fetch_users(ids: list[str]) -> list[User]:
    return [
        User(id=i, email=f"{i}@example.com", active=not i.endswith("x"), tags=[i.upper()])
        for i in ids
    ]


@action
async def send_email(user: User, subject: str) -> str:
    return f"{user.email}: {subject} ({user.status.value})"


@action
async def move(point: Point, dx: int) -> Point:
    return Point(point.x + dx, point.y, [*point.labels, "moved"])


@action
async def classify(level: Level, tier: Tier, status: Status) -> str:
    return f"{level.name}:{tier.value}:{status.name}"


@action
async def shift(day: date, when: datetime, hours: int) -> dict[str, object]:
    delta = timedelta(hours=hours)
    return {"day": day + delta, "when": when + delta, "delta": delta * 2}


@workflow
class WelcomeUsers(Workflow):
    async def run(self, user_ids: list[str]) -> list[str]:
        users = await fetch_users(user_ids)
        active = [u for u in users if u.active]
        return await asyncio.gather(*[send_email(u, subject="Welcome") for u in active])


@workflow
class ModelAttributes(Workflow):
    async def run(self, user_id: str) -> dict[str, object]:
        users = await fetch_users([user_id])
        user = users[0]
        return {
            "id": user.id,
            "domain": user.email.split("@")[1],
            "tags": user.tags,
            "status": user.status,
            "is_active": user.status == Status.ACTIVE,
            "address": user.address,
        }


@workflow
class BuildModels(Workflow):
    async def run(self, city: str) -> list[object]:
        address = Address(city=city)
        user = User(id="u1", email="u1@example.com", address=address, tags=["new"])
        message = await send_email(user, f"hello from {user.address.city}")
        other = User(id="u1", email="u1@example.com", address=Address(city=city), tags=["new"])
        return [message, user, other.email, address.zip_code, user == other]


@workflow
class DataclassRoundTrip(Workflow):
    async def run(self, x: int) -> list[object]:
        start = Point(x, x * 2)
        moved = await move(start, 5)
        box = Box(low=start, high=moved)
        return [moved, moved.labels, box.high.x - box.low.x, isinstance(moved, Point), box]


@workflow
class EnumValues(Workflow):
    async def run(self, high: bool) -> list[object]:
        level = Level.HIGH if high else Level.LOW
        text = await classify(level, Tier.PRO, Status.BLOCKED)
        return [
            text,
            level,
            level.value,
            Tier.FREE == "free",
            str(Tier.PRO),
            level > 2,
            Status.ACTIVE.name,
        ]


@action
async def pick_status(blocked: bool) -> Status:
    return Status.BLOCKED if blocked else Status.ACTIVE


@workflow
class EnumIdentity(Workflow):
    """`is` with enum members, as the compiler allows: members are singletons in CPython, also
    when returned by an action or read back after an await."""

    async def run(self, blocked: bool) -> list[bool]:
        local = Status.BLOCKED if blocked else Status.ACTIVE
        returned = await pick_status(blocked)
        level, tier = Level.HIGH, Tier.PRO
        await asyncio.sleep(0)
        return [
            local is Status.BLOCKED,
            returned is Status.BLOCKED,
            returned is not Status.ACTIVE,
            level is Level.HIGH,
            tier is Tier.PRO,
            tier is not Tier.FREE,
            Level.LOW is Level.LOW is not Level.HIGH,
            local is None,
        ]


@workflow
class MixedEnumsAsData(Workflow):
    """`StrEnum` and `IntEnum` members are `str`s and `int`s: joined, concatenated from the
    left, searched for in a string, passed to `str` methods, `isinstance`, `divmod`, matched by
    a `str()`/`int()` class pattern."""

    async def run(self, text: str) -> list[object]:
        tier, level = Tier.PRO, Level.HIGH
        await asyncio.sleep(0)
        match tier:
            case str(matched):
                kind = f"str {matched}"
            case _:
                kind = "no match"
        return [
            ",".join([tier, Tier.FREE]),
            "to:" + tier,
            tier in text,
            Tier.FREE not in text,
            text.startswith(tier),
            text.replace(tier, "x"),
            text.count(Tier.FREE),
            isinstance(tier, str),
            isinstance(level, int),
            isinstance(Status.ACTIVE, str),
            divmod(level, 2),
            10 - level,
            2**level,
            round(level),
            kind,
        ]


class Shade(Enum):
    RED = 1
    CRIMSON = 1
    BLUE = 2


@workflow
class EnumAliases(Workflow):
    """An alias member (a second name for a value) is its canonical member: skipped when the
    class is iterated, found by name and by value as that member."""

    async def run(self, name: str) -> list[object]:
        await asyncio.sleep(0)
        return [
            list(Shade),
            len(Shade),
            Shade.CRIMSON,
            Shade.CRIMSON.name,
            Shade[name],
            Shade(1),
            Shade.CRIMSON is Shade.RED,
        ]


@workflow
class EnumClasses(Workflow):
    """An enum class iterated, counted, searched and indexed by member name."""

    async def run(self, name: str) -> list[object]:
        try:
            found: object = Tier[name]
        except KeyError as error:
            found = f"KeyError {error}"
        await asyncio.sleep(0)
        return [
            [tier.value for tier in Tier],
            list(Level),
            len(Status),
            sorted(Level, reverse=True),
            {level.name: level.value for level in Level},
            Level.HIGH in Level,
            found,
            Status["BLOCKED"],
            self.by_value(name.lower()),
            Level(3),
            Tier(Tier.FREE),
            Status(Status.ACTIVE),
        ]

    def by_value(self, raw: str) -> object:
        try:
            return Tier(raw)
        except ValueError as error:
            return f"ValueError {error}"


@workflow
class DatesAcrossActions(Workflow):
    async def run(self, day: date, when: datetime, hours: int) -> dict[str, object]:
        shifted = await shift(day, when, hours)
        later = shifted["when"]
        return {
            "shifted": shifted,
            "year": shifted["day"].year,
            "hour": later.hour,
            "later": later > when,
        }


@workflow
class PureDates(Workflow):
    async def run(self, day: date, when: datetime, hours: int) -> list[object]:
        shifted = await shift(day, when, hours)
        later = when + timedelta(days=1, hours=hours)
        gap = later - shifted["when"]
        return [
            when.isoformat(),
            when.date(),
            when.time().isoformat(),
            day.isoformat(),
            day.weekday(),
            day.isocalendar()[1],
            later,
            gap.total_seconds(),
            when.replace(hour=1, minute=0) < later,
            timedelta(minutes=hours) * 3,
            day + timedelta(weeks=1),
        ]


@workflow
class ModelsAsInputs(Workflow):
    async def run(self, user: User, point: Point) -> list[str]:
        sent = await send_email(user, f"at {point.x},{point.y}")
        moved = await move(point, 1)
        return [sent, f"{moved.x}", user.tags[0] if user.tags else "-"]


INPUTS = {
    "ModelsAsInputs": [
        {"user": User(id="u9", email="u9@example.com", tags=["vip"]), "point": Point(3, 4)},
        {
            "user": User(id="u8", email="u8@example.com", status=Status.BLOCKED),
            "point": Point(0, 0, ["a"]),
        },
    ]
}


@workflow
class ModelMethods(Workflow):
    """`model_dump` (modes, include/exclude, aliases), `model_dump_json`, and `model_copy`:
    shallow (the copy shares the original's lists), deep, with an unvalidated update."""

    async def run(self, user_ids: list[str]) -> list[object]:
        users = await fetch_users(user_ids)
        first = users[0] if users else User(id="none", email="none@example.com")
        moved = first.model_copy(update={"address": Address(city="Oslo"), "active": False})
        deep = first.model_copy(deep=True)
        first.tags.append("seen")
        return [
            [user.model_dump() for user in users],
            first.model_dump(mode="json", exclude={"address"}),
            first.model_dump(include={"id", "tags"}, exclude_none=True),
            first.model_dump(exclude_defaults=True),
            first.model_dump_json(),
            moved.model_dump(),
            deep.tags,
            moved.tags,
        ]


@action
async def raw_users(count: int) -> list[dict[str, object]]:
    return [
        {"id": f"u{i}", "email": f"u{i}@example.com", "active": i % 2 == 0} for i in range(count)
    ]


@workflow
class ValidatedModels(Workflow):
    """`Model.model_validate(data)` of dicts an action returned, and its `ValidationError`."""

    async def run(self, count: int) -> list[object]:
        users = [User.model_validate(raw) for raw in await raw_users(count)]
        try:
            User.model_validate({"id": "x"})
            problem = "no error"
        except ValidationError as error:
            problem = str(error).splitlines()[0]
        return [users, [u.email for u in users if u.active], problem]


@dataclass(order=True)
class Slot:
    hour: int
    dock: int


@dataclass(frozen=True)
class Key:
    code: str


@workflow
class ValueProtocols(Workflow):
    """What Python does with models and dataclasses beyond their fields: `dict(model)` and
    iterating a model, sorting `order=True` dataclasses, frozen ones as set members, and the
    errors of the rest, which name their class."""

    async def run(self, what: str) -> object:
        user = User(id="u1", email="a@b.c")
        slots = [Slot(9, 2), Slot(7, 1), Slot(9, 1)]
        await asyncio.sleep(0)
        if what == "values":
            return [
                dict(user)["email"],
                [name for name, _ in user][:3],
                sorted(slots),
                min(slots),
                Slot(1, 1) < Slot(1, 2),
                len({Key("a"), Key("a"), Key("b")}),
            ]
        try:
            if what == "len":
                return len(user)
            if what == "index":
                return user["id"]
            if what == "sort":
                return sorted([user, user])
            if what == "hash":
                return len({user})
            return list(Point(1, 2))
        except TypeError as error:
            return f"TypeError: {error}"


class HttpError(Exception):
    status = 500
    retryable = False


class NotFound(HttpError):
    status = 404


class Throttled(HttpError):
    status = 429
    retryable = True


class VisitKind(Enum):
    NEW = ("new", 45)
    FOLLOW_UP = ("follow", 20)

    def __init__(self, code: str, minutes: int) -> None:
        self.code = code
        self.minutes = minutes


class Fee(BaseModel):
    FLAT: ClassVar[int] = 3
    amount: int


@dataclass
class TaxedLine:
    RATE = 0.2
    net: int


@action
async def call_service(n: int) -> str:
    if n == 1:
        raise NotFound("gone")
    if n == 2:
        raise Throttled("slow down")
    return "ok"


@workflow
class ClassAttributes(Workflow):
    """Data attributes of a value's class read through the value, as Python finds them: an
    exception class's (raised by an action or locally, the subclass's before its base's), a
    `ClassVar` of a model, a plain class attribute of a dataclass, attributes an enum member's
    `__init__` set."""

    async def run(self, n: int) -> list[object]:
        try:
            got: object = await call_service(n)
        except HttpError as error:
            got = [error.status, error.retryable, getattr(error, "missing", "none"), str(error)]
        try:
            raise NotFound("here")
        except HttpError as error:
            local = error.status
        fee = Fee(amount=10)
        return [
            got,
            local,
            VisitKind.NEW.minutes,
            [(kind.code, kind.minutes) for kind in VisitKind],
            fee.FLAT + fee.amount,
            TaxedLine(5).RATE * 10,
            hasattr(fee, "FLAT"),
        ]


class Access(Flag):
    READ = auto()
    WRITE = auto()
    EXECUTE = auto()


class Mode(IntFlag):
    READ = 1
    WRITE = 2


RISKY = Access.WRITE | Access.EXECUTE


@action
async def granted(user: str) -> Access:
    return Access.READ | Access.WRITE if user == "admin" else Access.READ


@workflow
class FlagCombinations(Workflow):
    """`Flag` and `IntFlag` members combined, tested and taken apart as Python does: from an
    action, built in the workflow, as a module constant, by value (`Mode(3)`)."""

    async def run(self, user: str) -> list[object]:
        access = await granted(user)
        both = Access.READ | Access.WRITE
        return [
            access,
            Access.WRITE in access,
            bool(access & Access.EXECUTE),
            bool(access & RISKY),
            access == both,
            [member.name for member in access],
            len(access),
            ~Access.READ,
            Mode(3),
            Mode.WRITE in (Mode.READ | Mode.WRITE),
            Mode.READ | 2,
            str(both),
            RISKY,
        ]


class Perm(Flag):
    R = 1
    W = 2
    X = 4
    RW = 3
    NONE = 0


@workflow
class EnumMembership(Workflow):
    """`x in EnumClass` as the running Python answers it: a member (an alias too) is in its
    class; anything else is a `TypeError` before 3.12 and a test of the members' values from
    3.12 on."""

    async def run(self, raw: object) -> list[object]:
        found: list[object] = [Shade.CRIMSON in Shade, Level.LOW in Level, Tier.PRO in Status]
        for test in ("shade", "level"):
            try:
                found.append(raw in Shade if test == "shade" else raw in Level)
            except TypeError as error:
                found.append(f"TypeError: {error}")
        return found


@workflow
class FlagClasses(Workflow):
    """Iterating a `Flag` class gives its single-bit members only (not `RW = 3` or `NONE = 0`),
    as Python does; `len` and `in` agree."""

    async def run(self, name: str) -> list[object]:
        return [[m.name for m in Perm], len(Perm), list(Access), Perm.RW, Perm[name],
                [m.name for m in Level], len(Mode)]  # fmt: skip


@action
async def describe_access(access: Access) -> str:
    return f"{access!r} {bool(access)}"


@workflow
class EmptyFlags(Workflow):
    """A `Flag` with no member set (`READ & WRITE`, `Mode(0)`): false, shown as Python shows it,
    passed to an action and returned."""

    async def run(self, user: str) -> list[object]:
        none = (await granted(user)) & Access.EXECUTE
        described = await describe_access(none)
        return [none, bool(none), str(none), repr(none), f"{none}", described,
                Mode(0), str(Mode(0)), repr(Mode.READ & Mode.WRITE), Access.READ & Access.WRITE]  # fmt: skip


class StockLine(NamedTuple):
    code: str
    quantity: int = 1


@action
async def stock_line(n: int) -> StockLine:
    return StockLine(f"sku-{n}", n)


@action
async def stock_lines(n: int) -> list[StockLine]:
    return [StockLine(f"sku-{i}", i * 2) for i in range(n)]


@action
async def restock(line: StockLine) -> str:
    return f"{type(line).__name__}:{line.code}x{line.quantity}"


@workflow
class NamedTuplesFromActions(Workflow):
    """A `NamedTuple` an action returns keeps its class: its fields by name and by index,
    unpacking, equality with a plain tuple, its repr, held across an await and passed back."""

    async def run(self, n: int) -> list[object]:
        line = await stock_line(n)
        code, quantity = line
        lines = await stock_lines(n)
        await asyncio.sleep(0)
        return [
            line,
            line.code,
            line[1],
            code,
            quantity,
            line == (f"sku-{n}", n),
            sum(item.quantity for item in lines),
            [item.code for item in lines if item.quantity > 1],
            type(line).__name__,
            repr(line),
            await restock(line),
        ]


@workflow
class NamedTuplesBuilt(Workflow):
    """A `NamedTuple` built in the workflow (defaults, keywords), its tuple methods, `_replace`
    and `_asdict`, passed to an action and compared, as Python does."""

    async def run(self, n: int) -> list[object]:
        line = StockLine(f"sku-{n}")
        more = line._replace(quantity=n + 2)
        named = StockLine(code="x", quantity=n)
        return [line, more, named, more.count(n + 2), more.index(f"sku-{n}"), more._asdict(),
                await restock(more), line < more, len(line), list(named)]  # fmt: skip


@dataclass
class Parcel:
    sku: str
    weight: int


@dataclass
class Shipment:
    id: str
    status: str = "new"
    parcels: list[Parcel] = field(default_factory=list)
    weight: int = 0

    def __post_init__(self) -> None:
        self.weight = sum(parcel.weight for parcel in self.parcels)


@action
async def shipment(n: int) -> Shipment:
    return Shipment(f"s{n}", parcels=[Parcel("a", n), Parcel("b", 1)])


@workflow
class DataclassFunctions(Workflow):
    """`dataclasses.replace` (its `__post_init__` run again, unchanged fields shared with the
    original, an unknown field Python's `TypeError`), `asdict` and `astuple`, nested ones too."""

    async def run(self, n: int) -> list[object]:
        original = await shipment(n)
        sent = replace(original, status="sent")
        sent.parcels.append(Parcel("c", 5))  # the same list as the original's
        split = dataclasses.replace(sent, parcels=[Parcel("z", 9)])
        try:
            replace(original, colour="red")
            refused = "accepted"
        except TypeError as error:
            refused = str(error)
        try:
            asdict({"id": 1})
            not_one = "accepted"
        except TypeError as error:
            not_one = str(error)
        return [sent, original.parcels, split.weight, asdict(original), astuple(split),
                refused, not_one]  # fmt: skip


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"

    @classmethod
    def _missing_(cls, value: object) -> Plan | None:
        """Case and spaces do not matter; anything else is not a plan."""
        if isinstance(value, str):
            return cls.__members__.get(value.strip().upper())
        return None


@workflow
class EnumMissing(Workflow):
    """An enum's own `_missing_` runs when a value is not a member's, as in Python."""

    async def run(self, raw: str) -> list[object]:
        try:
            plan: object = Plan(raw)
        except ValueError as error:
            plan = f"ValueError: {error}"
        await asyncio.sleep(0)
        return [plan, Plan("pro"), Plan(Plan.FREE)]


class Signup(BaseModel):
    email: str
    age: int


@workflow
class ValidationErrors(Workflow):
    """A pydantic `ValidationError` caught in the workflow: `errors()` (with its options) and
    `error_count()` as pydantic gives them."""

    async def run(self, age: object) -> list[object]:
        try:
            Signup(email="a@b.c", age=age)  # type: ignore[arg-type]
        except ValidationError as error:
            return [error.error_count(), error.errors(), error.errors(include_url=False),
                    [e["loc"] for e in error.errors()], error.title]  # fmt: skip
        return ["valid"]


class Quota(BaseModel):
    kind: ClassVar[str] = "quota"
    per_day: ClassVar[int] = 3
    user: str


class HttpProblem(Exception):
    status = 500


class Missing(HttpProblem):
    status = 404


@workflow
class ClassAttributesRead(Workflow):
    """A class's data attributes read through the class (`Quota.per_day`, an exception class's
    `status`), inherited ones too, and Python's error for one it does not have."""

    async def run(self, days: int) -> list[object]:
        try:
            missing: object = Quota.nope  # type: ignore[attr-defined]
        except AttributeError as error:
            missing = str(error)
        return [Quota.kind, Quota.per_day * days, Missing.status, HttpProblem.status,
                Quota(user="a").kind, missing]  # fmt: skip
