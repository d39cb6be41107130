"""Action and helper values and partials of them: stored by path, equal by function, shown as
the decorated function shows itself, called with a partial's arguments first; a program that
misuses them fails with a clear error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from waymark import action
from waymark_runtime.effects import Complete, Fail
from waymark_runtime.errors import ProgramError, ValueNotSerializable
from waymark_runtime.interpreter import start
from waymark_runtime.values import to_json, to_value
from waymark_runtime.values.callables import ActionValue, PartialValue, bound_call, partial_of
from waymark_runtime.wrl import parse


@action
async def ping(host: str, port: int = 80) -> str:
    return f"{host}:{port}"


def test_an_action_value_round_trips_by_path() -> None:
    value = ActionValue("shop.tools:ping")
    stored = json.loads(json.dumps(to_json({"tool": value})))
    assert stored == {"tool": {"$t": "action", "v": "shop.tools:ping"}}
    assert to_value(stored) == {"tool": value}


def test_a_partial_round_trips_with_its_arguments() -> None:
    made = partial_of(ActionValue("shop.tools:ping"), ("a",), {"port": 1})
    back = to_value(json.loads(json.dumps(to_json(made))))
    assert isinstance(back, PartialValue)
    assert (back.func, back.args, back.keywords) == (made.func, ("a",), {"port": 1})


def test_action_values_show_as_the_decorated_function_does() -> None:
    path = f"{__name__}:ping"
    assert repr(ActionValue(path)) == repr(ping) == f"<action '{path}'>"
    assert ActionValue(path) == ActionValue(path) and ActionValue(path) != ActionValue("m:other")
    assert len({ActionValue(path), ActionValue(path)}) == 1


def test_a_partial_of_a_partial_flattens_and_keywords_override() -> None:
    inner = partial_of(ActionValue("m:f"), (1,), {"a": 1, "b": 2})
    outer = partial_of(inner, (2,), {"b": 3})
    assert (outer.func, outer.args, outer.keywords) == (
        ActionValue("m:f"),
        (1, 2),
        {"a": 1, "b": 3},
    )
    assert bound_call(outer, [3], {"a": 0}) == (ActionValue("m:f"), [1, 2, 3], {"a": 0, "b": 3})


def test_calling_a_value_that_is_not_an_action_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="'int' object is not callable"):
        bound_call(5, [], {})
    with pytest.raises(TypeError, match="the first argument must be callable"):
        partial_of("text", (), {})


def _started(body: str) -> Any:
    text = "wrl 2\n\nworkflow W\n\nfn run():\n" + body + "\nsync fn two(a, b):\n    return a + b\n"
    return start(parse(text), {})


def test_a_program_naming_a_helper_it_lacks_is_refused() -> None:
    with pytest.raises(ProgramError, match="`fn nope` does not name a helper"):
        _started("    return fn nope\n")


def test_a_helper_value_runs_and_an_action_value_needs_an_await() -> None:
    _, effects = _started("    return (`functools.partial`(fn two, 1))(2)\n")
    assert effects == [Complete(result=3)]
    _, [failed] = _started("    return (action m:f)(2)\n")
    assert isinstance(failed, Fail) and "called without `await`" in failed.error["message"]


def test_a_stored_partial_of_something_else_is_refused() -> None:
    with pytest.raises(ValueNotSerializable, match="partial must be of an action or helper"):
        to_value({"$t": "partial", "func": 1, "args": [], "keywords": {}})
