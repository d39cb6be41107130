"""C1 and I1: the compiler and the interpreter alone, in this process, with no database.

Each is compared with CPython doing the same job in the same run: `compile()` of the same
module for C1, the same `run()` body executed as plain Python for I1. I1 counts statements the
way CPython does, as the line events of that plain run, so the count follows the workflow.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from benchmarks.c1_source import c1_source, large_run_source, large_tuple_source
from benchmarks.context import Context
from benchmarks.results import Measured
from benchmarks.workflows import BenchPureControlFlow
from waymark_compiler.api import compile_source
from waymark_runtime.effects import Complete
from waymark_runtime.interpreter import StepContext, start

_C1_PATH = "bench_c1.py"


def _seconds(job: Callable[[], Any]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


async def c1(ctx: Context) -> Measured:
    count = ctx.scale.c1_workflows
    source = c1_source(count)
    _compile_checked(source, count)  # warm caches (imports, grammar) outside the timing
    measured = Measured(details={"workflows": count, "source_lines": source.count("\n")})
    for _ in range(ctx.scale.repeats):
        seconds = _seconds(lambda: _compile_checked(source, count))
        measured.add("C1.compile", seconds * 1000 / count)
        measured.add(
            "C1.cpython", _seconds(lambda: compile(source, _C1_PATH, "exec")) * 1000 / count
        )
    _large(measured, "statements", large_run_source(ctx.scale.c1_statements), ctx)
    _large(measured, "items", large_tuple_source(ctx.scale.c1_items), ctx)
    return measured


def _large(measured: Measured, what: str, source: str, ctx: Context) -> None:
    """One large `run()` (`statements` lines, or a tuple of `items`), in ms per 1,000 of them,
    with CPython's `compile()` of the same text."""
    size = ctx.scale.c1_statements if what == "statements" else ctx.scale.c1_items
    measured.details[f"large_{what}"] = size
    for _ in range(ctx.scale.repeats):
        seconds = _seconds(lambda: _compile_checked(source, 1))
        measured.add(f"C1.{what}", seconds * 1_000_000 / size)
        cpython = _seconds(lambda: compile(source, _C1_PATH, "exec"))
        measured.add(f"C1.cpython_{what}", cpython * 1_000_000 / size)


def _compile_checked(source: str, count: int) -> None:
    result = compile_source(source, _C1_PATH, module="bench_c1")
    if len(result.workflows) != count or result.diagnostics:
        codes = [d.code for d in result.diagnostics]
        raise RuntimeError(f"C1 module: {len(result.workflows)}/{count} compiled; {codes}")


async def i1(ctx: Context) -> Measured:
    rounds = ctx.scale.i1_rounds
    expected, statements = _plain_run(rounds)
    definition = BenchPureControlFlow.__waymark_definition__
    assert definition is not None
    program, context = definition.program, StepContext()  # one context, as a runner keeps
    _interpret(program, rounds, expected, context)  # compile the program to closures, untimed
    measured = Measured(details={"rounds": rounds, "statements": statements})
    for _ in range(ctx.scale.repeats):
        seconds = _seconds(lambda: _interpret(program, rounds, expected, context))
        measured.add("I1.statements", statements / seconds)
        measured.add("I1.cpython", statements / _seconds(lambda: _plain_run(rounds, trace=False)))
    return measured


def _interpret(program: Any, rounds: int, expected: int, context: StepContext) -> None:
    _, effects = start(program, {"rounds": rounds}, context)
    if effects != [Complete(result=expected)]:
        raise RuntimeError(f"I1: the interpreter produced {effects!r}, CPython {expected!r}")


def _plain_run(rounds: int, *, trace: bool = True) -> tuple[int, int]:
    """The body's result as plain Python, and how many lines of it CPython executed."""
    body = BenchPureControlFlow.__waymark_inline_run__
    assert body is not None
    counter = _LineCounter(body.__code__)
    coroutine = body(BenchPureControlFlow(), rounds)
    previous = sys.gettrace()
    if trace:
        sys.settrace(counter.global_trace)
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return int(stop.value), counter.lines
    finally:
        sys.settrace(previous)
    raise RuntimeError("I1: the pure workflow awaited something")


class _LineCounter:
    """Counts line events of one code object (the body), ignoring every other frame."""

    def __init__(self, code: CodeType) -> None:
        self.code = code
        self.lines = 0

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        return self.local_trace if frame.f_code is self.code else None

    def local_trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines += 1
        return self.local_trace
