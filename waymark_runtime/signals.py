"""Signals a program waits for, and the payloads a sender may send them.

A program names each signal it waits for with its payload's type as type text: import paths
with subscripts, `builtins:list[app.models:Decision]`. `catalogue(program)` lists them;
`checked_payload` validates a payload against its declared type with pydantic (lax, as inputs
are: a dict becomes the declared model) and encodes the result as a workflow value. Types
resolve through the type registry (the user's classes loaded in this process) and a short list
of standard types: nothing is imported because a program names it.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import re
import typing
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from waymark_runtime import ir
from waymark_runtime.config import settings
from waymark_runtime.errors import (
    InvalidSignalPayload,
    SignalError,
    SignalRefused,
    UnknownSignal,
    clipped,
    close_match,
)
from waymark_runtime.inputs import mismatch
from waymark_runtime.options import checked_name
from waymark_runtime.store.pg_rows import FINISHED
from waymark_runtime.store.postgres import is_transient
from waymark_runtime.values import check_storable, find_class, to_json

__all__ = [
    "STANDARD_TYPES",
    "SignalRecord",
    "catalogue",
    "catalogue_of",
    "checked_payload",
    "display",
    "resolve_type",
    "send",
    "unknown_signal",
]

_BUILTINS = (int, float, str, bool, bytes, list, dict, set, frozenset, tuple)
STANDARD_TYPES: dict[str, Any] = {
    **{f"builtins:{t.__name__}": t for t in _BUILTINS},
    "builtins:None": type(None),
    "typing:Any": Any,
    "typing:Optional": typing.Optional,
    "typing:Union": typing.Union,
    "datetime:date": datetime.date,
    "datetime:datetime": datetime.datetime,
    "datetime:time": datetime.time,
    "datetime:timedelta": datetime.timedelta,
    "decimal:Decimal": decimal.Decimal,
    "uuid:UUID": uuid.UUID,
}
"""The types a signal may declare besides the user's models, dataclasses and enums."""

_TOKEN = re.compile(r"\s*(?:([\w.]+:[\w.]+)|(\[)|(\])|(,))")


def catalogue(program: ir.Workflow) -> dict[str, str]:
    """Every signal name the program may wait for, with its declared type text (the first
    declaration of a name, in source order)."""
    found: dict[str, str] = {}
    for wait in _waits(program):
        found.setdefault(wait.name, wait.type)
    return found


def _waits(node: Any) -> Iterator[ir.WaitForSignal]:
    if isinstance(node, ir.WaitForSignal):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from _waits(item)
    elif hasattr(node, "__dataclass_fields__") and not isinstance(node, ir.Span):
        for name in node.__dataclass_fields__:
            if name != "span":
                yield from _waits(getattr(node, name))


def unknown_signal(name: str, known: dict[str, str], workflow: str) -> UnknownSignal:
    """The error of a signal name the program never waits for ("did you mean ...?")."""
    close = close_match(name, list(known))
    hint = f"; did you mean {close!r}?" if close else ""
    names = ", ".join(clipped(n) for n in known) or "none"
    return UnknownSignal(
        f"workflow {workflow} never waits for a signal named {clipped(name)} "
        f"(it waits for: {names}){hint}"
    )


@functools.lru_cache(maxsize=256)
def _adapter(type_text: str) -> Any:
    from waymark_runtime.values.validation import type_adapter

    return type_adapter(resolve_type(type_text))


def checked_payload(name: str, type_text: str, payload: Any) -> Any:
    """`payload` validated into the declared type (lax mode), as a JSON-shaped value;
    `InvalidSignalPayload` when it does not match, `SignalError` when the type is not
    available in this process."""
    from pydantic import ValidationError

    try:
        value = _adapter(type_text).validate_python(payload)
    except ValidationError as failure:
        where, message, shown = mismatch(failure, payload)
        raise InvalidSignalPayload(
            f"payload{where} of signal {name!r} does not match its type "
            f"{display(type_text)}: {message} (got {shown})"
        ) from None
    return to_json(value)


def resolve_type(type_text: str, leaf: Callable[[str], Any] | None = None) -> Any:
    """The Python type of a type text; `SignalError` for a malformed text or a class that is
    not loaded in this process. `leaf` maps each import path to a type (default: the standard
    types, then the user's classes loaded here)."""
    tokens = _tokens(type_text)
    value = _parse(tokens, type_text, leaf or _class_at)
    if tokens:
        raise SignalError(f"malformed signal type {type_text!r}")
    return value


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SignalError(f"malformed signal type {text!r}")
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()
    return tokens


def _parse(tokens: list[str], text: str, leaf: Callable[[str], Any]) -> Any:
    if not tokens or tokens[0] in "[],":
        raise SignalError(f"malformed signal type {text!r}")
    base = leaf(tokens.pop(0))
    if not tokens or tokens[0] != "[":
        return base
    tokens.pop(0)
    args = [_parse(tokens, text, leaf)]
    while tokens and tokens[0] == ",":
        tokens.pop(0)
        args.append(_parse(tokens, text, leaf))
    if not tokens or tokens.pop(0) != "]":
        raise SignalError(f"malformed signal type {text!r}")
    return base[tuple(args) if len(args) > 1 else args[0]]


def _class_at(path: str) -> Any:
    if path in STANDARD_TYPES:
        return STANDARD_TYPES[path]
    found = find_class(path)
    if found is None:
        module = path.partition(":")[0]
        raise SignalError(
            f"the signal's type {path} is not loaded in this process: import {module} (or list "
            "it in WAYMARK_USER_MODULE) to send this signal"
        )
    return found


def display(type_text: str) -> str:
    """Type text as Python spells it: `list[Decision] | None`."""
    try:
        return _shown(_tokens(type_text))
    except (SignalError, IndexError):
        return type_text


def _shown(tokens: list[str]) -> str:
    path = tokens.pop(0)
    name = "None" if path == "builtins:None" else path.rpartition(":")[2].rpartition(".")[2]
    if not tokens or tokens[0] != "[":
        return name
    tokens.pop(0)
    args = [_shown(tokens)]
    while tokens.pop(0) == ",":
        args.append(_shown(tokens))
    if path == "typing:Union":
        return " | ".join(args)
    if path == "typing:Optional":
        return f"{args[0]} | None"
    return f"{name}[{', '.join(args)}]"


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalRecord:
    """A signal wait of an instance, or a signal sent to it (`kind` `wait` or `signal`).

    `at` is when the wait started or the signal was sent (epoch seconds); `done` when the wait
    ended (a signal answered it or its timeout passed) or the signal was consumed, None while
    pending; `node` is the wait (a consumed signal names the wait that took it). A wait also
    says where it is: `site`, the DAG node of its `wait_for_signal`, and `iteration`, as for an
    attempt (None for a signal, and for waits recorded before sites were). `times_out_at` is
    when a wait with a timeout gives up (`SignalTimeout`), None for a wait without one: its
    timer is the wait's own, never listed as a durable sleep."""

    kind: str
    name: str
    node: str | None
    at: float
    done: float | None
    payload: Any = None
    site: str | None = None
    iteration: tuple[int | str, ...] | None = None
    times_out_at: float | None = None

    @property
    def pending(self) -> bool:
        return self.done is None


def record(row: dict[str, Any]) -> SignalRecord:
    iteration = row.get("iteration")
    return SignalRecord(kind=row["kind"], name=row["name"], node=row["node"], at=row["at"],
                        done=row["done"], payload=row["payload"], site=row.get("site"),
                        iteration=None if iteration is None else tuple(iteration))  # fmt: skip


class SignalStore(Protocol):
    async def program_of(self, workflow: str, version: str) -> str | None: ...

    async def send_signal(
        self, instance_id: str, name: str, payload: Any, now: float, send_id: str | None = None
    ) -> bool: ...


async def send(
    store: SignalStore,
    row: dict[str, Any],
    name: str,
    payload: Any,
    now: float,
    send_id: str | None = None,
) -> None:
    """Send signal `name` to the instance of `row` (its `instance_status` row): refused at
    once for a finished instance (`SignalRefused`), a name its program never waits for
    (`UnknownSignal`) or a payload that does not match the declared type
    (`InvalidSignalPayload`); otherwise kept until a wait of that name consumes it.

    `send_id` is the caller's key of this send on this instance: a send id kept already
    keeps nothing more (and is answered as sent even once the instance finished); the same
    id with another name or payload is `SendIdReused`."""
    instance_id, status = row["id"], row["status"]
    if send_id is not None:
        checked_name(send_id, "send_id", SignalError)  # stored and indexed with the instance
    if status in FINISHED and send_id is None:
        raise _finished(instance_id, status, name)
    known = await catalogue_of(store, row["workflow_name"], row["workflow_version"])
    if not isinstance(name, str) or name not in known:
        raise unknown_signal(str(name), known, row["workflow_name"])
    value = checked_payload(name, known[name], payload)
    check_storable(value, settings().max_payload_bytes)  # this process's WAYMARK_MAX_PAYLOAD_BYTES
    if not await _kept(store, instance_id, name, value, now, send_id or str(uuid.uuid4())):
        raise _finished(instance_id, status if status in FINISHED else "finished", name)


async def _kept(
    store: SignalStore, instance_id: str, name: str, value: Any, now: float, send_id: str
) -> bool:
    """Send once: the send id is picked before the first try, so a retry after a lost
    connection (PostgreSQL may have committed the first) keeps no second signal."""
    try:
        return await store.send_signal(instance_id, name, value, now, send_id)
    except Exception as error:
        if not is_transient(error):
            raise
        return await store.send_signal(instance_id, name, value, now, send_id)


def _finished(instance_id: str, status: str, name: str) -> SignalRefused:
    return SignalRefused(
        f"instance {instance_id} already finished ({status}): nothing will receive signal "
        f"{clipped(name)}",
        status,
    )


_CATALOGUES: dict[tuple[str, str], dict[str, str]] = {}


async def catalogue_of(store: SignalStore, workflow: str, version: str) -> dict[str, str]:
    """The signals of a stored program version (name -> type text), parsed once per process;
    `SignalError` when that version is not stored."""
    key = (workflow, version)
    if key not in _CATALOGUES:
        from waymark_runtime.engine import ProgramCache
        from waymark_runtime.wrl import parse

        text = await store.program_of(workflow, version)
        if text is None:
            raise SignalError(f"version {version} of workflow {workflow} is not stored")
        program = ProgramCache._select(parse(text), workflow)
        if len(_CATALOGUES) >= 256:
            _CATALOGUES.clear()
        _CATALOGUES[key] = catalogue(program)
    return _CATALOGUES[key]
