"""Example-based tests of the `.wrl` text: samples, precedence, constants, names, versions."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, WrlSyntaxError
from waymark_runtime.wrl import dumps, load_grammar, parse, version_of

SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.wrl"))
HEADER = "wrl 2\n\nworkflow W\n\nfn run():\n"

a, b, c, x = (ir.Name(id=name) for name in "abcx")


def one(value: int | float | str | None) -> ir.Const:
    return ir.Const(value=value)


def program(*body: ir.Stmt) -> ir.Workflow:
    return ir.Workflow(name="W", run=ir.Function(name="run", params=(), body=body))


def text_of(expr: ir.Expr) -> str:
    """The printed text of one expression (as the value of `return`)."""
    body = dumps(program(ir.Return(value=expr))).splitlines()[-1]
    return body.removeprefix("    return ")


def parse_expr(text: str) -> ir.Expr:
    statement = parse(HEADER + f"    return {text}\n").run.body[0]
    assert isinstance(statement, ir.Return) and statement.value is not None
    return statement.value


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_samples_are_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dumps(parse(text)) == text


def test_sample_reads_as_expected() -> None:
    workflow = parse((SAMPLES[-1].parent / "welcome_email.wrl").read_text(encoding="utf-8"))
    assert workflow.name == "WelcomeEmailWorkflow"
    assert [f.name for f in workflow.helpers] == ["notify", "total", "running"]
    assert workflow.helper("total").is_async is False
    loop = workflow.helper("running").body[1]
    assert isinstance(loop, ir.While)
    sent, unpacked, bare = loop.body[:3]
    assert sent == ir.Yield(value=ir.Name(id="total"), target=ir.Name(id="sent"))
    assert isinstance(unpacked, ir.Yield) and unpacked.value is None
    assert isinstance(unpacked.target, ir.TupleExpr)
    assert bare == ir.Yield(value=None)
    assert [p.keyword_only for p in workflow.run.params] == [False, False, True]
    gather = workflow.run.body[3]
    assert isinstance(gather, ir.Await) and isinstance(gather.op, ir.Gather)
    assert gather.op.return_exceptions and isinstance(gather.op.items[0], ir.Spread)
    flaky = workflow.run.body[4]
    assert isinstance(flaky, ir.Await) and isinstance(flaky.op, ir.ActionCall)
    assert flaky.op.policy == ir.Policy(
        attempts=3,
        exception_types=("ValueError", "ConnectionError"),
        backoff_seconds=0,
        backoff=ir.Backoff(base_delay=1, multiplier=2, max_delay=60, jitter=0.5),
        timeout=30,
    )
    assert flaky.span == ir.Span(21, 9, 21, 9)


PRECEDENCE = [
    (ir.BinOp(op="-", left=a, right=ir.BinOp(op="-", left=b, right=c)), "a - (b - c)"),
    (ir.BinOp(op="-", left=ir.BinOp(op="-", left=a, right=b), right=c), "a - b - c"),
    (ir.BinOp(op="**", left=a, right=ir.BinOp(op="**", left=b, right=c)), "a ** b ** c"),
    (ir.BinOp(op="**", left=ir.BinOp(op="**", left=a, right=b), right=c), "(a ** b) ** c"),
    (ir.UnaryOp(op="-", operand=ir.BinOp(op="**", left=x, right=one(2))), "-x ** 2"),
    (ir.BinOp(op="**", left=ir.UnaryOp(op="-", operand=x), right=one(2)), "(-x) ** 2"),
    (ir.BinOp(op="**", left=x, right=ir.UnaryOp(op="-", operand=one(1))), "x ** -1"),
    (ir.UnaryOp(op="not", operand=ir.Compare(left=a, ops=("==",), comparators=(b,))), "not a == b"),
    (ir.Compare(left=ir.UnaryOp(op="not", operand=a), ops=("==",), comparators=(b,)), "(not a) == b"),
    (
        ir.BinOp(op="+", left=ir.IfExp(test=b, body=a, orelse=c), right=one(1)),
        "(a if b else c) + 1",
    ),
    (
        ir.IfExp(test=b, body=ir.IfExp(test=b, body=a, orelse=c), orelse=ir.IfExp(test=a, body=b, orelse=c)),
        "(a if b else c) if b else b if a else c",
    ),
    (ir.Subscript(value=x, index=ir.TupleExpr(elts=(a, b))), "x[a, b]"),
    (ir.Subscript(value=x, index=ir.TupleExpr(elts=(a,))), "x[a,]"),
    (ir.Subscript(value=x, index=ir.TupleExpr(elts=())), "x[()]"),
    (ir.BoolOp(op="and", values=(ir.BoolOp(op="and", values=(a, b)), c)), "(a and b) and c"),
    (ir.BoolOp(op="or", values=(a, ir.BoolOp(op="and", values=(b, c)))), "a or b and c"),
    (ir.Compare(left=ir.Compare(left=a, ops=("<",), comparators=(b,)), ops=("<",), comparators=(c,)), "(a < b) < c"),
    (ir.Compare(left=a, ops=("<", "<=", "not in", "is not"), comparators=(b, c, x, a)), "a < b <= c not in x is not a"),
    (ir.Attribute(value=one(1), attr="real"), "(1).real"),
    (ir.Attribute(value=ir.EnumMember(type="m:Color", member="RED"), attr="value"), "(enum m:Color.RED).value"),
    (ir.BinOp(op="+", left=ir.Starred(value=a), right=b), None),
    (ir.ListExpr(elts=(ir.Starred(value=ir.BoolOp(op="or", values=(a, b))),)), "[*(a or b)]"),
    (ir.Call(func="sum", args=(ir.Comprehension(kind="gen", elt=x, value=None, generators=(ir.Generator(target=x, iter=a, ifs=()),)),), kwargs=()), "sum(x for x in a)"),
    (ir.Comprehension(kind="list", elt=x, value=None, generators=(ir.Generator(target=x, iter=ir.IfExp(test=a, body=b, orelse=c), ifs=(ir.IfExp(test=a, body=b, orelse=c),)),)), "[x for x in (b if a else c) if (b if a else c)]"),
]  # fmt: skip


@pytest.mark.parametrize(("expr", "text"), PRECEDENCE)
def test_precedence(expr: ir.Expr, text: str | None) -> None:
    if text is None:  # only valid inside displays, calls and targets
        with pytest.raises(InternalError, match="Starred"):
            text_of(expr)
        return
    assert text_of(expr) == text
    assert parse_expr(text) == expr


CONSTANTS = [
    (None, "None"),
    (True, "True"),
    (0, "0"),
    (-5, "const(-5)"),
    (1.5, "1.5"),
    (-0.0, "const(-0.0)"),
    (1e16, "1e+16"),
    (math.inf, "const(inf)"),
    (-math.inf, "const(-inf)"),
    ("it's", '"it\'s"'),
    ("\n\x00\u2028", "'\\n\\x00\\u2028'"),
    ("\ud800", "'\\ud800'"),
]


@pytest.mark.parametrize(("value", "text"), CONSTANTS)
def test_constants(value: ir.ConstValue, text: str) -> None:
    assert text_of(one(value)) == text
    parsed = parse_expr(text)
    assert isinstance(parsed, ir.Const) and type(parsed.value) is type(value)
    assert parsed == one(value)


def test_negative_literal_is_unary_minus() -> None:
    assert parse_expr("-5") == ir.UnaryOp(op="-", operand=one(5))
    assert text_of(ir.UnaryOp(op="-", operand=one(5))) == "-5"


def test_nan() -> None:
    assert text_of(one(math.nan)) == "const(nan)"
    parsed = parse_expr("const(nan)")
    assert isinstance(parsed, ir.Const) and isinstance(parsed.value, float)
    assert math.isnan(parsed.value)


def test_huge_integers() -> None:
    for value in (10**5000 + 7, 2**33_000):  # 9,934 digits: MAX_LITERAL_DIGITS is 10,000
        text = text_of(one(value))
        assert text.isdigit()
        assert parse_expr(text) == one(value)
    with pytest.raises(WrlSyntaxError, match="a number of 30,103 digits"):
        parse_expr(text_of(one(2**100_000)))
    assert text_of(one(-(10**6000))).startswith("const(-1000")


@pytest.mark.parametrize(
    "name", ["gather", "retry", "max", "on", "inf", "workflow", "_", "é", "x\u0301"]
)
def test_contextual_keywords_stay_plain_names(name: str) -> None:
    assert text_of(ir.Name(id=name)) == name
    assert parse_expr(name) == ir.Name(id=name)


@pytest.mark.parametrize(
    "name", ["match", "case", "type", "new", "enum", "self", "const", "fn", "action"]
)
def test_names_that_read_as_keywords_are_escaped(name: str) -> None:
    assert text_of(ir.Name(id=name)) == f"`{name}`"
    call = ir.Call(func="len", args=(), kwargs=(ir.Keyword(name=name, value=one(1)),))
    assert parse_expr(text_of(call)) == call


def test_python_keywords_need_backticks() -> None:
    with pytest.raises(Exception, match="`return` is a keyword"):
        parse(HEADER + "    x = return\n")


def test_elif_and_else_if_are_one_tree() -> None:
    elif_text = HEADER + "    if a: @+2:1\n        pass\n    elif b: @+4:1\n        pass\n"
    else_if = (
        HEADER + "    if a: @+2:1\n        pass\n    else:\n        if b: @4:1\n            pass\n"
    )
    assert parse(elif_text) == parse(else_if)
    assert dumps(parse(else_if)) == elif_text
    inner = parse(elif_text).run.body[0]
    assert isinstance(inner, ir.If) and inner.orelse[0].span == ir.Span(4, 1, 4, 1)


def test_empty_policy_and_gather() -> None:
    call = ir.ActionCall(action="m:f", args=(), kwargs=(), policy=ir.Policy())
    op = ir.Gather(items=(), return_exceptions=False)
    workflow = program(ir.Await(target=None, op=call), ir.Await(target=a, op=op))
    text = dumps(workflow)
    assert "    await action m:f() retry()\n    a = await gather()\n" in text
    assert parse(text) == workflow


def test_statement_without_span_has_no_location() -> None:
    text = dumps(program(ir.Pass(), ir.Pass(span=ir.Span(3, 4, 3, 9))))
    assert text.endswith("    pass\n    pass @+3:4\n")


def test_workflow_name_that_is_not_an_identifier() -> None:
    workflow = ir.Workflow(name="billing.monthly-run", run=program().run)
    assert "workflow 'billing.monthly-run'\n" in dumps(workflow)
    assert parse(dumps(workflow)) == workflow


def test_unknown_node_is_an_internal_error() -> None:
    with pytest.raises(InternalError, match="Handler"):
        dumps(program(ir.Handler(types=(), name=None, body=())))  # type: ignore[arg-type]
    with pytest.raises(InternalError, match="invalid import path"):
        text_of(ir.New(type="not a path", args=(), kwargs=()))


def test_version_of() -> None:
    text = (SAMPLES[0]).read_text(encoding="utf-8")
    version = version_of(text)
    assert len(version) == 16 and int(version, 16) >= 0
    unlocated = re.sub(r" @[+-]?[0-9]+:[0-9]+\n", "\n", text)
    assert "@" not in unlocated and unlocated.count("\n") == text.count("\n")
    assert version == hashlib.sha256(unlocated.encode()).hexdigest()[:16]
    spaced = text.replace("\n\n", "\n\n\n# a comment\n\n").replace("):", ") :", 1)
    assert version_of(spaced) == version
    assert version_of(text.replace("@", "@1", 1)) == version  # a location is not behaviour
    assert version_of(text.replace("retries=3", "retries=4", 1)) != version


def test_load_grammar() -> None:
    grammar = load_grammar()
    assert grammar.startswith("// The Waymark Runtime Language")
    assert "start: header _NL workflow" in grammar


def test_every_grammar_rule_has_a_builder() -> None:
    from waymark_runtime.wrl.parser import IrBuilder, lark_parser

    missing = set()
    for rule in lark_parser().rules:
        name = rule.alias or rule.origin.name
        inlined = name.startswith("_") or (rule.options.expand1 and rule.alias is None)
        if not inlined and not callable(getattr(IrBuilder, str(name), None)):
            missing.add(str(name))
    assert not missing


def test_a_bare_action_name_of_an_older_text_still_reads_as_a_name() -> None:
    """Texts stored before `action m:f` was an expression wrote a variable `action` bare."""
    program = parse(HEADER + "    action = action + 1\n    return action m:f, action\n")
    assigned, returned = program.run.body
    assert assigned == ir.Assign(
        targets=(ir.Name(id="action"),),
        value=ir.BinOp(op="+", left=ir.Name(id="action"), right=ir.Const(value=1)),
    )
    assert returned == ir.Return(
        value=ir.TupleExpr(elts=(ir.ActionRef(action="m:f"), ir.Name(id="action")))
    )
