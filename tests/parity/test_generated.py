"""Generated programs of pure code and control flow: compiled with the real compiler and
interpreted, they must end exactly as CPython runs the same source."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.interpreter.host import drive
from tests.parity import generated_support  # noqa: F401  (registers the `echo` action)
from tests.parity.gathered import gathered_helper_programs
from tests.parity.harness import shape
from tests.parity.programs import programs
from tests.parity.unpacking import unpacking_programs
from waymark_compiler.api import compile_source


async def _cpython(source: str, a: int, b: int) -> tuple[Any, ...]:
    namespace: dict[str, Any] = {}
    exec(compile(source.replace("@workflow\n", ""), "<generated>", "exec"), namespace)
    try:
        value = await namespace["Generated"]().run(a, b)
    except Exception as error:
        return ("raised", type(error).__qualname__, str(error))
    return ("returned", shape(value))


async def _durable(source: str, a: int, b: int) -> tuple[Any, ...]:
    result = compile_source(source, "<generated>", "tests.parity.generated")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, (errors, source)
    (compiled,) = result.workflows
    outcome = await drive(compiled.program, {"a": a, "b": b})
    return outcome if outcome[0] == "raised" else ("returned", shape(outcome[1]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(-5, 12), st.integers(-5, 12))
async def test_generated_programs_match_cpython(source: str, a: int, b: int) -> None:
    assert await _durable(source, a, b) == await _cpython(source, a, b), source


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unpacking_programs(), st.integers(-5, 12), st.integers(-5, 12))
async def test_unpacking_displays_and_calls_match_cpython(source: str, a: int, b: int) -> None:
    assert await _durable(source, a, b) == await _cpython(source, a, b), source


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gathered_helper_programs(), st.integers(-5, 12), st.integers(-5, 12))
async def test_gathered_helpers_match_cpython(source: str, a: int, b: int) -> None:
    assert await _durable(source, a, b) == await _cpython(source, a, b), source
