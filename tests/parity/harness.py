"""Run a parity case both ways and describe each outcome so the two can be compared.

The durable way: compile → print → parse → interpret on `LocalRuntime`. The oracle: the same
`run()` body as plain Python (`run_inline`), actions awaited as plain coroutines with their
dependencies resolved, `asyncio.sleep` shortened unless the case relies on real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import io
import logging
from collections.abc import Iterator
from typing import Any

import mountaineer_di  # noqa: F401  (see below)
import pydantic

from tests.parity.cases import ParityCase
from waymark.testing import LocalRuntime

InstanceOutcome = tuple[Any, ...]
# The first action called in a process imports the dependency injector (tens of milliseconds);
# imported here, it does not delay the first oracle run that calls one, whose sleeps end in an
# order that assumes actions take next to no time.


async def durable_outcome(
    case: ParityCase, inputs: dict[str, Any], *, observe: bool = False
) -> InstanceOutcome:
    _reset(case)
    with _log_lines() as lines:
        async with LocalRuntime():
            outcome = await _outcome(case.workflow_class()().run(**inputs))
    outcome = with_printed(case, outcome, lines)
    return _observed(case, outcome) if observe else outcome


async def oracle_outcome(
    case: ParityCase, inputs: dict[str, Any], *, observe: bool = False
) -> InstanceOutcome:
    _reset(case)
    stdout = io.StringIO()
    with _plain_python(fast_sleep=case.fast_sleep), _printing(case, stdout):
        before = asyncio.all_tasks()
        try:
            outcome = await _outcome(case.workflow_class()().run_inline(**inputs))
        finally:
            await _cancel_left(asyncio.all_tasks() - before)
    outcome = with_printed(case, outcome, printed_lines(stdout.getvalue()))
    return _observed(case, outcome) if observe else outcome


def printed_lines(text: str) -> list[str]:
    """The lines stdout shows for `text`: a last one without its newline included."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def with_printed(case: ParityCase, outcome: InstanceOutcome, lines: list[str]) -> InstanceOutcome:
    """The outcome and, for a case that prints, the lines printed (the instance's log lines)."""
    return (*outcome, ("printed", lines)) if case.prints else outcome


def _printing(case: ParityCase, stdout: io.StringIO) -> contextlib.AbstractContextManager[Any]:
    return contextlib.redirect_stdout(stdout) if case.prints else contextlib.nullcontext()


@contextlib.contextmanager
def _log_lines() -> Iterator[list[str]]:
    """The messages of the instance's log as the runtime emits them (`waymark.workflow`)."""
    lines: list[str] = []
    handler = _Collect(lines)
    logger = logging.getLogger("waymark.workflow")
    level, logger.level = logger.level, logging.DEBUG
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _observed(case: ParityCase, outcome: InstanceOutcome) -> InstanceOutcome:
    """The outcome and, when the case's module has `observed()`, what it gives once the run
    has ended (what actions did after `run()` returned, which its result cannot show)."""
    observed = getattr(case.load(), "observed", None)
    return outcome if observed is None else (*outcome, shape(observed()))


async def _cancel_left(tasks: set[asyncio.Task[Any]]) -> None:
    """What `asyncio.run` does once its coroutine has ended: cancel the tasks it left and let
    them run to their end (their `except` and `finally` blocks), so none outlives the run."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _reset(case: ParityCase) -> None:
    reset = getattr(case.load(), "reset", None)
    if reset is not None:
        reset()


async def _outcome(call: Any) -> InstanceOutcome:
    try:
        value = await call
    except Exception as error:
        return ("raised", type(error).__qualname__, str(error))
    return ("returned", shape(value))


@contextlib.contextmanager
def _plain_python(*, fast_sleep: bool) -> Iterator[None]:
    real_sleep = asyncio.sleep

    async def quick_sleep(delay: float, result: Any = None) -> Any:
        if delay != delay or delay <= 0:  # NaN or no wait: Python's own answer, as quick
            return await real_sleep(delay, result)
        await real_sleep(0)
        return result

    if fast_sleep:
        asyncio.sleep = quick_sleep  # type: ignore[assignment]
    try:
        yield
    finally:
        asyncio.sleep = real_sleep  # type: ignore[assignment]


def shape(value: Any) -> Any:
    """A comparable description of a value: types included, set order ignored."""
    if isinstance(value, BaseException):
        return ("exception", type(value).__qualname__, str(value))
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__qualname__, value.name)
    if isinstance(value, pydantic.BaseModel):
        return ("model", type(value).__qualname__, shape(dict(value)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return ("dataclass", type(value).__qualname__, shape(dataclasses.asdict(value)))
    if isinstance(value, dict):
        return ("dict", [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [shape(v) for v in value])
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, sorted(map(repr, value)))
    return (type(value).__name__, value)
