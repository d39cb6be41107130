"""Interpreter rules on hand-built IR: refusals, the type resolver, safety, and speed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from waymark_runtime import ir
from waymark_runtime.effects import Complete, Fail
from waymark_runtime.errors import InternalError
from waymark_runtime.interpreter import Limits, StepContext, start
from waymark_runtime.wrl import parse

N, C = ir.Name, ir.Const


def name(text: str) -> ir.Name:
    return N(id=text)


def const(value: Any) -> ir.Const:
    return C(value=value)


def workflow(*body: Any, params: tuple[str, ...] = ()) -> ir.Workflow:
    run = ir.Function(name="run", params=tuple(ir.Param(name=p) for p in params), body=body)
    return ir.Workflow(name="W", run=run)


def returns(value: Any) -> ir.Workflow:
    return workflow(ir.Return(value=value))


def outcome(program: ir.Workflow, **inputs: Any) -> Complete | Fail:
    _, effects = start(program, inputs)
    (effect,) = effects
    assert isinstance(effect, (Complete, Fail))
    return effect


@dataclass(frozen=True, slots=True, kw_only=True)
class Mystery:
    span: ir.Span | None = None


def test_an_unknown_node_is_an_internal_error_naming_it() -> None:
    with pytest.raises(InternalError, match="Mystery"):
        start(returns(Mystery()), {})  # type: ignore[arg-type]


def test_a_function_outside_the_whitelist_fails_the_instance() -> None:
    with pytest.raises(Exception, match="`open` is not a function a workflow may call"):
        start(returns(ir.Call(func="open", args=(const("/etc/passwd"),), kwargs=())), {})


def test_dunder_attributes_and_clock_methods_are_out_of_reach() -> None:
    dunder = outcome(returns(ir.Attribute(value=const("x"), attr="__class__")))
    assert isinstance(dunder, Fail) and dunder.error["type"] == "builtins:AttributeError"
    formatted = ir.MethodCall(
        obj=const("{0.__class__}"), method="format", args=(const(1),), kwargs=()
    )
    special = outcome(returns(formatted))
    assert isinstance(special, Fail) and "special attribute `__class__`" in special.error["message"]
    clock = returns(ir.MethodCall(obj=name("day"), method="today", args=(), kwargs=()))
    today = outcome(
        workflow(*clock.run.body, params=("day",)), day={"$t": "date", "v": "2024-01-02"}
    )
    assert isinstance(today, Fail) and "not allowed" in today.error["message"]


@pytest.mark.parametrize(
    ("receiver", "method"),
    [("x", "maketrans"), ("x", "__class__"), ("x", "__format__")],
)
def test_only_the_methods_the_compiler_emits_can_be_called(receiver: str, method: str) -> None:
    call = ir.MethodCall(obj=const(receiver), method=method, args=(), kwargs=())
    failed = outcome(returns(call))
    assert isinstance(failed, Fail) and "not allowed in a workflow" in failed.error["message"]


@pytest.mark.parametrize(
    "function",
    [
        "exec",
        "globals",
        "format",
        "vars",
        "callable",
        "setattr",
        "os.system",
        "math.nextafter",
        "type",
        "re.purge",
        "statistics.linear_regression",
    ],
)
def test_only_the_builtins_the_compiler_emits_can_be_called(function: str) -> None:
    call = ir.Call(func=function, args=(const("x"),), kwargs=())
    with pytest.raises(
        Exception, match=re.escape(f"`{function}` is not a function a workflow may call")
    ):
        start(returns(call), {})


def test_builtin_exceptions_need_no_resolver_but_user_classes_do() -> None:
    raising = workflow(
        ir.Raise(exc=ir.New(type="builtins:KeyError", args=(const("k"),), kwargs=()))
    )
    _, (effect,) = start(raising, {})
    assert isinstance(effect, Fail) and effect.error["message"] == "'k'"
    model = returns(
        ir.New(type="tests.interpreter.test_values:Color", args=(const("red"),), kwargs=())
    )
    _, (effect,) = start(model, {}, StepContext(types=None))
    assert isinstance(effect, Fail) and "not available to this runtime" in effect.error["message"]


def test_python_errors_of_pure_code_are_catchable_values() -> None:
    body = ir.Try(
        body=(ir.Return(value=ir.BinOp(op="//", left=const(1), right=const(0))),),
        handlers=(ir.Handler(types=("builtins:ArithmeticError",), name="e", body=(
            ir.Return(value=ir.TupleExpr(elts=(ir.Call(func="str", args=(name("e"),), kwargs=()),
                                               ir.Attribute(value=name("e"), attr="args")))),)),),
    )  # fmt: skip
    assert outcome(workflow(body)) == Complete(result={"$t": "tuple", "items": ["integer division or modulo by zero",
                                                          {"$t": "tuple", "items": ["integer division or modulo by zero"]}]})  # fmt: skip


def test_unbound_names_raise_python_s_error() -> None:
    failed = outcome(returns(name("missing")))
    assert isinstance(failed, Fail) and failed.error["type"] == "builtins:UnboundLocalError"


def test_missing_inputs_fail_like_a_python_call() -> None:
    failed = outcome(workflow(ir.Return(value=name("x")), params=("x",)))
    assert (
        isinstance(failed, Fail)
        and "missing 1 required positional argument: 'x'" in failed.error["message"]
    )


def _counting_loop(n: int) -> ir.Workflow:
    test = ir.Compare(left=name("i"), ops=("<",), comparators=(name("n"),))
    loop = ir.While(test=test, body=(
        ir.AugAssign(target=name("total"), op="+", value=name("i")),
        ir.If(test=ir.Compare(left=ir.BinOp(op="%", left=name("i"), right=const(7)), ops=("==",),
                              comparators=(const(0),)), body=(ir.AugAssign(target=name("sevens"), op="+",
                              value=const(1)),), orelse=()),
        ir.AugAssign(target=name("i"), op="+", value=const(1)),
    ))  # fmt: skip
    init = [ir.Assign(targets=(name(v),), value=const(0)) for v in ("i", "total", "sevens")]
    return workflow(*init, loop, ir.Return(value=name("total")), params=("n",))


def test_a_long_pure_loop_finishes_in_one_step_with_python_s_result() -> None:
    # Its speed is measured by the benchmark suite (I1), not asserted here.
    n = 200_000
    _, effects = start(_counting_loop(n), {"n": n})
    assert effects == [Complete(result=sum(range(n)))]


def test_a_runaway_loop_ends_the_instance_instead_of_the_runner() -> None:
    small = Limits(operations=1000)
    forever = workflow(ir.While(test=const(True), body=(ir.Pass(),)))
    _, (failed,) = start(forever, {}, StepContext(limits=small))
    assert isinstance(failed, Fail) and failed.error["type"].endswith(":LimitExceeded")
    _, effects = start(_counting_loop(40), {"n": 40}, StepContext(limits=small))
    assert effects == [Complete(result=sum(range(40)))]


def test_a_stored_module_function_outside_the_whitelist_fails_at_start() -> None:
    program = parse(
        "wrl 2\n\nworkflow W @1:1\n\nfn run(): @2:1\n    return `os.system`('x') @3:5\n"
    )
    with pytest.raises(Exception, match=r"`os\.system` is not a function a workflow may call"):
        start(program, {})


def test_json_dumps_refuses_what_would_multiply_its_output() -> None:
    wide = ir.Call(
        func="json.dumps",
        args=(const([[1, 2], [3]]),),
        kwargs=(ir.Keyword(name="indent", value=const(1_000_000)),),
    )
    failed = outcome(returns(wide))
    assert (
        isinstance(failed, Fail) and "indent must be an int from 0 to 8" in failed.error["message"]
    )
    hooked = ir.Call(
        func="json.dumps", args=(const([1]),), kwargs=(ir.Keyword(name="cls", value=const(None)),)
    )
    failed = outcome(returns(hooked))
    assert isinstance(failed, Fail) and "option 'cls' is not available" in failed.error["message"]
