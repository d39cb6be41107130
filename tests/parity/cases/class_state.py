"""User classes held as workflow values keep what their instances keep in CPython, and answer
what their class answers: each workflow below tries one kind of class."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from waymark import Workflow, action, workflow


@dataclass
class ApiError(Exception):
    code: int
    msg: str = "x"


@dataclass(frozen=True)
class FrozenError(Exception):
    code: int


@action
async def call_api(frozen: bool) -> str:
    if frozen:
        raise FrozenError(503)
    raise ApiError(500, "internal")


@workflow
class DataclassExceptions(Workflow):
    """A `@dataclass` exception's own `repr`, `==` and hash (frozen), or none (mutable)."""

    async def run(self, case: str) -> object:
        if case == "compare":
            return [
                ApiError(1, "a") == ApiError(1, "a"),
                ApiError(1) == ApiError(2),
                ApiError(1) in [ApiError(1)],
                ApiError(1) == FrozenError(1),
                len({FrozenError(3), FrozenError(3)}),
                repr(FrozenError(3)),
            ]
        if case == "unhashable":
            try:
                return len({ApiError(1)})
            except TypeError as error:
                return str(error)
        if case == "uncaught":
            return await call_api(True)
        try:
            if case == "local":
                raise ApiError(500, "internal")
            await call_api(case == "frozen")
        except ApiError as error:
            return [repr(error), str(error), error.code, error == ApiError(500, "internal")]
        except FrozenError as error:
            return [repr(error), error.code, error == FrozenError(503), error in {FrozenError(503)}]
        return None


async def _part(n: int) -> int:
    if n == 1:
        raise ValueError("v1")
    if n == 2:
        raise KeyError("k2")
    return n


@action
async def fan_out(ns: list[int]) -> list[int]:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_part(n)) for n in ns]
    except ExceptionGroup as failed:
        raise ExceptionGroup("fan-out failed", list(failed.exceptions)) from None
    return [t.result() for t in tasks]


@workflow
class ExceptionGroups(Workflow):
    """`ExceptionGroup.exceptions`, of a group raised here and of one an action raised."""

    async def run(self, local: bool) -> list[object]:
        try:
            if local:
                raise ExceptionGroup("fan-out failed", [ValueError("v1"), KeyError("k2")])
            await fan_out([0, 1, 2])
        except ExceptionGroup as group:
            names = sorted(type(e).__name__ for e in group.exceptions)
            return [str(group), group.message, names, [e.args for e in group.exceptions]]
        return []


class Session(BaseModel):
    user: str
    _token: str = PrivateAttr(default="")
    _hits: int = PrivateAttr(default=0)

    def model_post_init(self, context: Any) -> None:
        self._token = f"tok-{self.user}"


class Sealed(BaseModel):
    model_config = ConfigDict(frozen=True)
    key: str
    _seen: int = PrivateAttr(default=1)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)  # not stored: left out


class CodedError(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(code, detail)
        self._code = code
        self._detail = detail
        self._lock = threading.Lock()  # not stored: left out

    def __str__(self) -> str:
        return f"E{self._code}: {self._detail}"


@action
async def open_session(user: str) -> Session:
    session = Session(user=user)
    session._hits = 7
    return session


@action
async def hits_of(session: Session) -> list[object]:
    return [session._token, session._hits]


@action
async def refuse(code: int) -> str:
    raise CodedError(code, "forbidden field")


@workflow
class PrivateAttributes(Workflow):
    """Attributes starting with `_`: pydantic's `PrivateAttr`, an exception's `self._code`."""

    async def run(self, case: str) -> object:
        if case == "exception":
            try:
                raise CodedError(8, "here")
            except CodedError as error:
                here = [error._code, str(error)]
            try:
                await refuse(7)
            except CodedError as error:
                return [here, error._code, str(error), error.args]
        if case == "uncaught":
            return await refuse(9)
        local = Session(user="ann")
        local._hits += 2
        await asyncio.sleep(0)
        remote = await open_session("bo")
        sealed = Sealed(key="k")
        return [
            local._token,
            local._hits,
            remote._token,
            remote._hits,
            await hits_of(local),
            sealed._seen,
            repr(local),
            local == Session(user="ann"),
            dict(remote),
        ]


class Item(BaseModel):
    sku: str
    qty: int = 1
    tags: list[str] = []


class Strict(BaseModel):
    model_config = ConfigDict(revalidate_instances="always")
    sku: str


@action
async def fetch_item() -> Item:
    return Item(sku="q", qty=2)


@workflow
class ModelValidate(Workflow):
    """`Model.model_validate` of an instance (itself again), of a dict, of another model."""

    async def run(self, invalid: bool) -> object:
        if invalid:
            try:
                Item.model_validate(Strict(sku="a"))
            except ValidationError as error:
                return [error.error_count(), str(error).splitlines()[0]]
        raw = await fetch_item()
        item = Item.model_validate(raw)
        item.qty = 5  # the same object, as pydantic returns an instance as it is
        strict = Strict(sku="a")
        again = Strict.model_validate(strict)
        again.sku = "b"  # a new one: the class revalidates instances
        return [item, raw.qty, Item.model_validate({"sku": "d"}), strict.sku]


@workflow
class ModelCopy(Workflow):
    """pydantic v1's `copy()`, which pydantic 2 still answers: shallow, or deep, updated."""

    async def run(self) -> object:
        a = Item(sku="a", tags=["t"])
        b = a.copy()
        b.qty = 5
        b.tags.append("shared")
        c = a.copy(update={"sku": "c"}, deep=True)
        c.tags.append("own")
        return [a, b, c]


class Point(NamedTuple):
    x: int
    y: int = 0

    @property
    def norm1(self) -> int:
        return abs(self.x) + abs(self[1])

    @property
    def flipped(self) -> Point:
        return self._replace(x=self.y, y=self.x)

    def __str__(self) -> str:
        return f"<{self.x}, {self.y}>"


class Point3(Point):
    @property
    def doubled(self) -> int:
        return self.norm1 * 2


@action
async def load_point() -> Point:
    return Point(3, -4)


@workflow
class NamedTupleClasses(Workflow):
    """A named tuple's `_fields`, its properties (a subclass's too), `isinstance`, `__str__`."""

    async def run(self, case: str) -> object:
        p = await load_point()
        if case == "fields":
            return [p._fields, Point._fields, Point3(1, 2)._fields]
        if case == "sub":
            q = Point3(1, 2)
            return [q.doubled, q.norm1, isinstance(q, Point), isinstance(p, Point3)]
        nearest = min([p, Point(0, 9), Point(1, 1)], key=lambda c: c.norm1)
        return [
            p.norm1,
            nearest,
            p.flipped.norm1,
            str(p),
            f"{p.flipped}",
            repr(p),
            isinstance(p, Point),
        ]
