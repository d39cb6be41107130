"""The one JSON codec of the persisted state (`persisted`): documents in and out.

`encode_state` writes the current format (`STATE_VERSION`), by hand rather than through
pydantic (a commit of a large gather encodes every call); `decode_state` reads every format a
store may still hold (`_FORMATS`: each upgraded to the current one, then validated against the
declared types) and refuses anything else with `StateFormatError`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from waymark_runtime.interpreter.persisted import (
    JSON,
    CallsWait,
    InstanceState,
    JoinWait,
    PendingCall,
    StateFormatError,
)

if TYPE_CHECKING:
    import pydantic


STATE_VERSION = 3
"""The format `encode_state` writes: 3 when a gather passes one object to several of its calls
(its `CallsWait` holds it once, in `shared`), else 2, which runtimes before 3 read too."""


# Fields stored only when they hold something, so a state that uses none of them reads as
# the older formats did: left out when empty, or when not set (None).
_KEPT_WHEN_ANY = ("tasks", "started", "deadlines", "timers", "groups")
_KEPT_WHEN_SET = ("printing", "ending", "memos", "instance", "returned")


def encode_state(state: InstanceState) -> dict[str, JSON]:
    """The JSON document of `state` in the current format (2 when nothing is shared)."""
    document: dict[str, JSON] = {"version": STATE_VERSION}
    document.update(_encode(state))
    for name in _KEPT_WHEN_ANY:
        if not getattr(state, name):
            del document[name]
    for name in _KEPT_WHEN_SET:
        if getattr(state, name) is None:
            del document[name]
    waits = [document["wait"], *(task["wait"] for task in document.get("tasks", ()))]
    if not any(wait is not None and "shared" in wait for wait in waits):
        document["version"] = 2
    return document


def _encode(record: Any) -> Any:
    """A declared record as JSON: its fields by name, records and tuples of them included
    (by hand, not through pydantic: a commit of a large gather encodes every call)."""
    kind = record.__class__
    if kind in _JSON_KINDS:
        return record  # a JSON value: locals, arguments, results
    if kind is tuple:
        return [_encode(item) for item in record]
    if kind is CallsWait:
        return _encode_calls(record)
    if kind is JoinWait and not record.nodes:  # one task's join, as before gathers of them
        if record.shielded:
            return {"kind": "join", "node": record.node, "shielded": True}
        return {"kind": "join", "node": record.node}
    return {name: _encode(getattr(record, name)) for name in _field_names(kind)}


def _encode_calls(wait: CallsWait) -> dict[str, JSON]:
    """A wait on calls. An argument that is one object in several calls (a gather passing the
    same list or dict to each: the machine encodes it once) is written once, in `shared`, and
    each call names it, `{"$t": "shared", "v": index}` (the value codec never writes that
    tag: a dict with a `$t` key of its own is tagged `dict`)."""
    counts: dict[int, int] = {}
    for call in wait.calls:
        for value in (*call.args, *call.kwargs.values()):
            if value.__class__ is dict or value.__class__ is list:
                counts[id(value)] = counts.get(id(value), 0) + 1
    shared = [key for key, count in counts.items() if count > 1]
    if not shared:
        calls = [_encode_call(call, _same) for call in wait.calls]
        return {"kind": "calls", "calls": calls, "pending": wait.pending}
    index = {key: position for position, key in enumerate(shared)}
    table: list[JSON] = [None] * len(shared)

    def named(value: JSON) -> JSON:
        position = index.get(id(value))
        if position is None:
            return value
        table[position] = value
        return {"$t": "shared", "v": position}

    calls = [_encode_call(call, named) for call in wait.calls]
    return {"kind": "calls", "calls": calls, "pending": wait.pending, "shared": table}


def _same(value: JSON) -> JSON:
    return value


def _encode_call(call: PendingCall, argument: Callable[[JSON], JSON]) -> dict[str, JSON]:
    """The hot record (a gather's calls), spelled out: its fields are JSON or a tuple of it,
    each argument as `argument` writes it; `policy` only when the call has one."""
    if argument is _same:  # nothing shared (most gathers): the values as they are
        args: list[JSON] = list(call.args)
        kwargs: dict[str, JSON] = dict(call.kwargs)
    else:
        args = [argument(value) for value in call.args]
        kwargs = {name: argument(value) for name, value in call.kwargs.items()}
    document = {"node": call.node, "item": call.item, "target": call.target,
                "args": args, "kwargs": kwargs,
                "attempt": call.attempt, "status": call.status, "value": call.value}  # fmt: skip
    if call.policy is not None:
        document["policy"] = call.policy
    return document


_JSON_KINDS = frozenset({str, int, float, bool, type(None), dict, list})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def decode_state(document: Any) -> InstanceState:
    """An `InstanceState` from a stored document of any known format."""
    if not isinstance(document, dict):
        raise StateFormatError(f"an instance state is a JSON object, not {type(document).__name__}")
    version = document.get("version", document.get("v"))
    upgrade = _FORMATS.get(version) if type(version) is int else None
    if upgrade is None:
        known = ", ".join(map(str, _FORMATS))
        raise StateFormatError(
            f"instance state format {version!r} is unknown to this runtime (it reads {known}); "
            "a newer runtime may have written it"
        )
    import pydantic  # only where states are read: importing it costs a CLI a quarter second

    try:
        return _adapter().validate_python(upgrade(document))
    except (pydantic.ValidationError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise StateFormatError(f"malformed instance state (format {version}): {error}") from None


@functools.cache
def _adapter() -> pydantic.TypeAdapter[InstanceState]:
    """The validator of the declared types (a wait record is picked by its `kind` tag)."""
    import pydantic

    return pydantic.TypeAdapter(InstanceState)


def _current(document: dict[str, JSON]) -> dict[str, JSON]:
    return {key: value for key, value in document.items() if key != "version"}


def _from_v1(document: dict[str, JSON]) -> dict[str, JSON]:
    """Format 1 (before the state was declared): `v`, `next`, frames with `fn`, and the wait
    as a plain dict, `{"kind": "actions", "nodes": [...]}` or `{"kind": "sleep", "node": ...}`."""
    wait = document["wait"]
    if wait is not None and wait["kind"] == "actions":
        wait = {"kind": "calls", "pending": wait["pending"],
                "calls": [_call_v1(entry) for entry in wait["nodes"]]}  # fmt: skip
    frames = [{"function": f["fn"], "pc": f["pc"], "env": f["env"], "slots": f["slots"]}
              for f in document["frames"]]  # fmt: skip
    return {
        "status": document["status"],
        "next_node": document["next"],
        "frames": frames,
        "wait": wait,
        "logs": document.get("logs", 0),
    }


def _from_v3(document: dict[str, JSON]) -> dict[str, JSON]:
    """Format 3: format 2 whose waits on calls may hold arguments several calls share once
    (`_encode_calls`): each is put back in every call that names it, as one object."""
    current = _current(document)  # (new dicts: the stored document stays as it is)
    current["wait"] = _unshared(current["wait"])
    if "tasks" in current:
        current["tasks"] = [{**task, "wait": _unshared(task["wait"])} for task in current["tasks"]]
    return current


def _unshared(wait: JSON) -> JSON:
    if not isinstance(wait, dict) or "shared" not in wait:
        return wait
    table = wait["shared"]
    calls = [{**call, "args": [_shared(value, table) for value in call["args"]],
              "kwargs": {name: _shared(value, table) for name, value in call["kwargs"].items()}}
             for call in wait["calls"]]  # fmt: skip
    return {**{key: value for key, value in wait.items() if key != "shared"}, "calls": calls}


def _shared(value: JSON, table: list[JSON]) -> JSON:
    if value.__class__ is dict and value.get("$t") == "shared" and len(value) == 2:
        return table[value["v"]]
    return value


def _call_v1(entry: dict[str, JSON]) -> dict[str, JSON]:
    call = {key: value for key, value in entry.items() if key != "action"}
    call["target"] = entry["action"]
    return call


_FORMATS: dict[int, Callable[[dict[str, JSON]], dict[str, JSON]]] = {
    1: _from_v1,
    2: _current,
    3: _from_v3,
}
"""Each format a store may hold, mapped to the current format's document. A new format adds a
line here, and the previous current one gets an upgrade function."""
