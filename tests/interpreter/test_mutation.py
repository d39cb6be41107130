"""Interpreter rules for changing held values: attribute assignment without the class, on enum
members and plain values; `del` targets; identity of models across stored state; policies
computed at dispatch."""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from typing import Any

import pytest

from waymark_runtime import ir
from waymark_runtime.effects import DispatchAction, Fail
from waymark_runtime.errors import InternalError
from waymark_runtime.interpreter import StepContext, start
from waymark_runtime.interpreter.state import StateEncoder
from waymark_runtime.interpreter.state_decode import StateDecoder
from waymark_runtime.values import ModelValue, ValueNotSerializable, to_json

N, C = ir.Name, ir.Const


def run(*body: ir.Stmt, inputs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    params = tuple(ir.Param(name=name) for name in inputs or {})
    program = ir.Workflow(name="W", run=ir.Function(name="run", params=params, body=body))
    encoded = {k: to_json(v) for k, v in (inputs or {}).items()}
    _, effects = start(program, encoded, StepContext(**kwargs))
    return effects


def assign(target: ir.Target, value: ir.Expr) -> ir.Assign:
    return ir.Assign(targets=(target,), value=value)


def test_assigning_a_field_needs_the_class_in_this_runtime() -> None:
    model = ModelValue("app.models:Order", "model", {"status": "new"})
    (effect,) = run(
        assign(ir.Attribute(value=N(id="order"), attr="status"), C(value="paid")),
        inputs={"order": model},
        types=lambda path: None,
    )
    assert isinstance(effect, Fail)
    assert "not available to this runtime" in effect.error["message"]
    assert "WAYMARK_USER_MODULE" in effect.error["message"]


def test_assigning_an_attribute_of_a_plain_value_is_pythons_attribute_error() -> None:
    (effect,) = run(
        assign(N(id="d"), ir.DictExpr(keys=(), values=())),
        assign(ir.Attribute(value=N(id="d"), attr="x"), C(value=1)),
    )
    assert isinstance(effect, Fail)
    assert effect.error["type"] == "builtins:AttributeError"
    with pytest.raises(AttributeError) as python:  # the running Python's own words
        setattr({}, "x", 1)  # noqa: B010
    assert effect.error["message"] == str(python.value)


def test_assigning_an_attribute_of_an_enum_member_is_refused() -> None:
    member = ir.EnumMember(type="app.models:Color", member="RED")
    (effect,) = run(
        assign(N(id="c"), member), assign(ir.Attribute(value=N(id="c"), attr="x"), C(value=1))
    )
    assert isinstance(effect, Fail) and "not supported" in effect.error["message"]


def test_deleting_an_unbound_name_and_reading_a_deleted_one() -> None:
    (unbound,) = run(ir.Delete(targets=(N(id="x"),)))
    assert isinstance(unbound, Fail) and unbound.error["type"] == "builtins:UnboundLocalError"
    (read,) = run(
        assign(N(id="x"), C(value=1)), ir.Delete(targets=(N(id="x"),)), ir.Return(value=N(id="x"))
    )
    assert isinstance(read, Fail)
    assert read.error["message"] == (
        "cannot access local variable 'x' where it is not associated with a value"
    )


def test_deleting_an_item_of_a_model_names_its_class() -> None:
    model = ModelValue("app.models:Order", "model", {"status": "new"})
    (effect,) = run(
        ir.Delete(targets=(ir.Subscript(value=N(id="order"), index=C(value=0)),)),
        inputs={"order": model},
    )
    assert isinstance(effect, Fail)
    assert effect.error["message"] == "'Order' object doesn't support item deletion"


def test_a_delete_of_an_attribute_is_an_internal_error() -> None:
    with pytest.raises(InternalError, match="unknown deletion target Attribute"):
        run(ir.Delete(targets=(ir.Attribute(value=N(id="a"), attr="b"),)))  # type: ignore[arg-type]


def test_models_keep_their_identity_and_cycles_in_stored_state() -> None:
    shared = ModelValue("app.models:Job", "model", {"n": 1})
    shared.fields["self"] = shared
    encoded = json.loads(
        json.dumps(StateEncoder(StepContext().meter).encode({"a": shared, "b": [shared]}))
    )
    assert encoded["b"][0] == {"$t": "mref", "v": 0}
    decoded = StateDecoder().decode(encoded)
    assert decoded["a"] is decoded["b"][0] is decoded["a"].fields["self"]


def test_containers_inside_models_keep_their_identity_in_stored_state() -> None:
    """Containers and models are numbered apart: a list aliased from a model's second field is
    that list after a resume, not the first field's (nor missing)."""
    sent, failed = ["a"], {"x": "boom"}
    report = ModelValue("app.models:Report", "dataclass", {"sent": sent, "failed": failed})
    state = {"report": report, "failed": failed, "sent": sent, "later": [report]}
    encoded = json.loads(json.dumps(StateEncoder(StepContext().meter).encode(state)))
    decoded = StateDecoder().decode(encoded)
    fields = decoded["report"].fields
    assert decoded["failed"] is fields["failed"] and decoded["sent"] is fields["sent"]
    assert decoded["later"][0] is decoded["report"] and decoded["failed"] == {"x": "boom"}


def test_counters_and_defaultdicts_keep_their_type_identity_and_factory_in_stored_state() -> None:
    counts = Counter("abca")
    groups: defaultdict[str, Any] = defaultdict(list, {"x": [1]})
    groups["self"] = groups
    state = {"a": counts, "b": [counts], "g": groups, "none": defaultdict(None)}
    encoded = json.loads(json.dumps(StateEncoder(StepContext().meter).encode(state)))
    decoded = StateDecoder().decode(encoded)
    assert decoded["a"] is decoded["b"][0] and type(decoded["a"]) is Counter
    assert decoded["a"] == counts and list(decoded["a"]) == list(counts)
    assert decoded["g"]["self"] is decoded["g"] and decoded["g"].default_factory is list
    assert decoded["g"]["new"] == [] and decoded["none"].default_factory is None


def test_deques_keep_identity_maxlen_and_their_iterators_position_in_stored_state() -> None:
    window: deque[Any] = deque([1, 2, 3], maxlen=3)
    window.append(window)  # a deque holding itself, the first item pushed out
    walking = iter(window)
    next(walking)
    backwards = reversed(deque("abc"))
    next(backwards)
    state = {"w": window, "again": [window], "it": walking, "back": backwards}
    encoded = json.loads(json.dumps(StateEncoder(StepContext().meter).encode(state)))
    decoded = StateDecoder().decode(encoded)
    assert decoded["w"] is decoded["again"][0] and type(decoded["w"]) is deque
    assert decoded["w"].maxlen == 3 and decoded["w"][2] is decoded["w"]
    assert list(decoded["w"])[:2] == [2, 3]
    assert next(decoded["it"]) == 3 and list(decoded["back"]) == ["b", "a"]
    decoded["w"].append(4)  # still bounded by its maxlen
    assert len(decoded["w"]) == 3


def test_dict_views_stay_views_of_their_dict_in_stored_state() -> None:
    prices = Counter({"a": 1})
    walking = (n for n in [1, 2])  # materialised when stored: its frame is reloaded
    paired = zip(walking, [3, 4], strict=True)  # stored over its sources
    state = {"d": prices, "k": prices.keys(), "v": {"x": 1}.values(), "i": prices.items(),
             "z": paired, "w": walking}  # fmt: skip
    encoder = StateEncoder(StepContext().meter)
    encoded = json.loads(json.dumps(encoder.encode(state)))
    assert encoder.consumed  # the dict is container 1 (the state is 0)
    assert encoded["k"] == {"$t": "view", "kind": "keys", "of": {"$t": "ref", "v": 1}}
    decoded = StateDecoder().decode(encoded)
    decoded["d"]["b"] = 2  # the views show the dict as it changes, as before the await
    assert list(decoded["k"]) == ["a", "b"] and list(decoded["i"]) == [("a", 1), ("b", 2)]
    assert len(decoded["k"]) == 2 and list(decoded["v"]) == [1]
    assert next(decoded["z"]) == (1, 3) and list(decoded["w"]) == [2]  # one generator


def test_a_defaultdict_with_a_function_for_factory_is_not_stored() -> None:
    with pytest.raises(ValueNotSerializable, match="default factory"):
        to_json(defaultdict(lambda: 0))


def _dispatched(policy: ir.Policy, **inputs: Any) -> DispatchAction | Fail:
    call = ir.ActionCall(action="app.actions:charge", args=(), kwargs=(), policy=policy)
    (effect,) = run(ir.Await(target=None, op=call), inputs=inputs)
    assert isinstance(effect, DispatchAction | Fail)
    return effect


def test_computed_attempts_and_timeout_are_evaluated_at_dispatch() -> None:
    policy = ir.Policy(
        attempts_expr=ir.BinOp(op="+", left=N(id="n"), right=C(value=1)),
        timeout_expr=ir.Call(func="float", args=(N(id="t"),), kwargs=()),
    )
    effect = _dispatched(policy, n=2, t="2.5")
    assert isinstance(effect, DispatchAction)
    assert (effect.attempts, effect.timeout) == (3, 2.5)


@pytest.mark.parametrize(
    ("attempts", "timeout", "message"),
    [
        ("3", 1, "RetryPolicy attempts must be an int, not str"),
        (2.5, 1, "RetryPolicy attempts must be an int, not float"),
        (2, "soon", "could not convert string to float: 'soon'"),
        (2, [1], "float() argument must be a string or a real number, not 'list'"),
    ],
)
def test_bad_computed_policies_raise_where_the_call_is_awaited(
    attempts: Any, timeout: Any, message: str
) -> None:
    policy = ir.Policy(attempts_expr=N(id="a"), timeout_expr=N(id="t"))
    effect = _dispatched(policy, a=attempts, t=timeout)
    assert isinstance(effect, Fail) and effect.error["message"] == message
