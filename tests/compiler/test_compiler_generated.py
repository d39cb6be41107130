"""Generated Python: the compiler never crashes, and what it accepts prints and reads back as the
very same program (`parse(dumps(program)) == program`)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waymark_compiler.api import compile_source
from waymark_runtime.wrl import parse

PRELUDE = """\
import asyncio
from enum import Enum
from waymark import Workflow, action, workflow

LIMIT = 10

class Color(Enum):
    RED = "red"

@action
async def act(*args: object, **kwargs: object) -> object:
    return args

@workflow
class Generated(Workflow):
    async def run(self, x: int, xs: list[int], n: float, s: str) -> object:
"""

ATOMS = ["x", "xs", "n", "s", "1", "0", "-3", "2.5", "'q'", "True", "None", "LIMIT", "Color.RED"]
BINARY = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "and", "or"]
COMPARE = ["<", "<=", "==", "!=", ">", ">=", "in", "not in", "is", "is not"]


def _extend(sub: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.tuples(sub, sub)
    return st.one_of(
        st.tuples(sub, st.sampled_from(BINARY), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, st.sampled_from(COMPARE), sub, st.sampled_from(COMPARE), sub).map(
            lambda t: f"({t[0]} {t[1]} {t[2]} {t[3]} {t[4]})"
        ),
        sub.map(lambda e: f"(not {e})"),
        sub.map(lambda e: f"(-{e})"),
        st.tuples(sub, sub, sub).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.lists(sub, max_size=3).map(lambda es: "[" + ", ".join(es) + "]"),
        st.lists(sub, max_size=3).map(lambda es: "(" + "".join(e + ", " for e in es) + ")"),
        pairs.map(lambda t: "{" + f"{t[0]}: {t[1]}, **{{}}" + "}"),
        pairs.map(lambda t: f"[{t[0]} for v in {t[1]} if v]"),
        pairs.map(lambda t: "{" + f"v: {t[0]} for v in {t[1]}" + "}"),
        pairs.map(lambda t: f"{t[0]}[{t[1]}]"),
        pairs.map(lambda t: f"{t[0]}[{t[1]}:{t[1]}:2]"),
        sub.map(lambda e: f"len({e})"),
        sub.map(lambda e: f"sorted({e}, reverse=True)"),
        sub.map(lambda e: f"str({e}).upper()"),
        sub.map(lambda e: f'f"<{{{e}!r:>4}}>"'),
        sub.map(lambda e: f"({e}).value"),
        sub.map(lambda e: f"isinstance({e}, (int, Color))"),
        sub.map(lambda e: f"any(v for v in {e})"),
        sub.map(lambda e: f"(await act({e}))"),
        pairs.map(lambda t: f"({t[0]} and await act({t[1]}))"),
    )


EXPRESSIONS = st.recursive(st.sampled_from(ATOMS), _extend, max_leaves=8)
STATEMENTS = st.one_of(
    EXPRESSIONS.map(lambda e: f"value = {e}"),
    EXPRESSIONS.map(lambda e: f"value = await act({e}, key={e})"),
    EXPRESSIONS.map(lambda e: f"results = await asyncio.gather(*[act(v) for v in {e}])"),
    EXPRESSIONS.map(lambda e: f"if {e}:\n            return {e}"),
    EXPRESSIONS.map(lambda e: f"for v in {e}:\n            xs.append(v)"),
    EXPRESSIONS.map(lambda e: f"match {e}:\n            case [1, *rest]:\n                pass"),
    EXPRESSIONS.map(lambda e: f"while {e}:\n            break\n        else:\n            x = 1"),
    EXPRESSIONS.map(lambda e: f"try:\n            x = {e}\n        finally:\n            xs = {e}"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STATEMENTS, min_size=1, max_size=4))
def test_generated_workflows_compile_or_refuse_cleanly(statements: list[str]) -> None:
    body = "".join(f"        {statement}\n" for statement in statements)
    result = compile_source(PRELUDE + body + "        return None\n", "gen.py", module="gen")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert bool(errors) != bool(result.workflows)
    for workflow in result.workflows:
        assert parse(workflow.wrl) == workflow.program
