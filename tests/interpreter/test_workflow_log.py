"""`self.log` in the interpreter: lines are `WriteLog` effects formatted as `logging` formats a
record, numbered across steps by the instance's state, written from sync and async helpers,
and bounded per step."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from waymark import Workflow, action, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import ActionFinished, DispatchAction, WriteLog
from waymark_runtime.interpreter import StepContext, advance, encode_state, start
from waymark_runtime.interpreter.journal import LINES_PER_STEP, format_message
from waymark_runtime.values import to_json

BOUNDED = StepContext().library.bounded


@action
async def fetch(key: str) -> str:
    return key


@workflow
class Steps(Workflow):
    async def run(self, key: str) -> str:
        self.log.info("before %s", key)
        value = await fetch(key)
        self.log.warning("after %s", value)
        await self.later(value)
        return value

    async def later(self, value: str) -> None:
        self.log.error("async helper %r", value)
        self.note(value)

    def note(self, value: str) -> None:
        self.log.debug(f"sync helper {value}")


@workflow
class Chatty(Workflow):
    async def run(self, n: int) -> int:
        for i in range(n):
            self.log.info("line %d", i)
        return n


def _lines(effects: list[Any]) -> list[tuple[int, str, str, str]]:
    return [(e.seq, e.level, e.message, e.function) for e in effects if isinstance(e, WriteLog)]


def test_lines_are_numbered_across_steps_and_helpers() -> None:
    program = definition_of(Steps).program
    state, effects = start(program, {"key": "k"})
    assert _lines(effects) == [(0, "info", "before k", "run")]
    assert state.logs == 1
    (dispatch,) = [e for e in effects if isinstance(e, DispatchAction)]
    finished = ActionFinished(node=dispatch.node, attempt=1, ok=True, value="v")
    again, effects = advance(program, state, [finished])
    assert _lines(effects) == [
        (1, "warning", "after v", "run"),
        (2, "error", "async helper 'v'", "later"),
        (3, "debug", "sync helper v", "note"),
    ]
    assert again.logs == 4 and state.logs == 1  # the input state is left as it was
    replayed, effects = advance(program, state, [finished])  # the same step, run again
    assert _lines(effects)[0][0] == 1 and replayed == again


def test_one_context_keeps_the_lines_of_each_call_apart() -> None:
    """A host runs every instance on one step context: each call's lines are its own, numbered
    from its instance's count, and a later call leaves an earlier call's effects as they were."""
    context, program = StepContext(), definition_of(Steps).program
    first, first_effects = start(program, {"key": "a"}, context)
    chatty, chatty_effects = start(definition_of(Chatty).program, {"n": 2}, context)
    (dispatch,) = [e for e in first_effects if isinstance(e, DispatchAction)]
    finished = ActionFinished(node=dispatch.node, attempt=1, ok=True, value="v")
    _, effects = advance(program, first, [finished], context)
    assert _lines(first_effects) == [(0, "info", "before a", "run")]
    assert _lines(chatty_effects) == [(0, "info", "line 0", "run"), (1, "info", "line 1", "run")]
    assert [line[0] for line in _lines(effects)] == [1, 2, 3] and chatty.logs == 2


def test_an_instance_that_never_logs_counts_no_lines() -> None:
    state, effects = start(definition_of(Chatty).program, {"n": 0})
    assert state.logs == 0 and encode_state(state)["logs"] == 0
    assert not [effect for effect in effects if isinstance(effect, WriteLog)]


def test_a_step_keeps_a_bounded_number_of_lines() -> None:
    state, effects = start(definition_of(Chatty).program, {"n": LINES_PER_STEP + 25})
    lines = _lines(effects)
    assert len(lines) == LINES_PER_STEP + 1 and state.logs == LINES_PER_STEP + 1
    assert lines[-2] == (LINES_PER_STEP - 1, "info", f"line {LINES_PER_STEP - 1}", "run")
    assert lines[-1] == (LINES_PER_STEP, "warning",
                         "25 more log lines of this step were dropped: a step keeps at most "
                         f"{LINES_PER_STEP:,}", "run")  # fmt: skip


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("plain", ()),
        ("100% sure", ()),  # no arguments: `%` is not a format
        ("%s and %r", ("a", "b")),
        ("%(who)s", ({"who": "ada"},)),
        ("%s", ({},)),  # an empty mapping is an argument like any other
        ("%s", ((1, 2),)),
        ("%05.1f|%x|%-4d|", (3.14159, 255, 7)),
        (42, ()),
        (["a", 1], ()),
    ],
)
def test_formatting_is_that_of_logging(message: Any, args: tuple[Any, ...]) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, args, None)
    assert format_message(BOUNDED, message, list(args)) == record.getMessage()


def test_a_message_that_does_not_format_is_kept_with_the_reason() -> None:
    assert format_message(BOUNDED, "%d apples", ["no"]) == (
        "%d apples (log arguments did not format: TypeError: %d format: a real number is "
        "required, not str)"
    )
    assert format_message(BOUNDED, "%s %s", ["one"]).startswith(
        "%s %s (log arguments did not format:"
    )


class Declined(Exception):
    pass


@action
async def charge(order_id: str) -> int:
    raise Declined(f"card declined for {order_id}")


@workflow
class LogsWhatFailed(Workflow):
    async def run(self, order_id: str) -> str:
        try:
            await charge(order_id)
        except Declined:
            self.log.exception("charge of %s failed", order_id)
        try:
            raise Declined(f"no card for {order_id}")
        except Declined:
            try:
                {}[order_id]
            except KeyError:
                self.log.exception("lookup failed")
            self.log.exception("not charged")
        self.log.exception("nothing to add")
        return order_id


def test_an_exception_line_adds_the_exception_being_handled() -> None:
    """`self.log.exception(...)` is an error line followed by what `logging` appends: the
    traceback an action's exception carries, else its last line (the class named with its
    module, as `traceback` names it), `NoneType: None` outside an `except` block; in a nested
    handler, the inner exception."""
    program = definition_of(LogsWhatFailed).program
    state, effects = start(program, {"order_id": "x7"})
    (dispatch,) = [e for e in effects if isinstance(e, DispatchAction)]
    failure = {**to_json(Declined("card declined")), "traceback": "Traceback ...\nDeclined\n"}
    failed = ActionFinished(node=dispatch.node, attempt=1, ok=False, value=failure)
    _, effects = advance(program, state, [failed])
    assert [(level, message) for _, level, message, _ in _lines(effects)] == [
        ("error", "charge of x7 failed\nTraceback ...\nDeclined"),
        ("error", "lookup failed\nKeyError: 'x7'"),
        ("error", f"not charged\n{__name__}.Declined: no card for x7"),
        ("error", "nothing to add\nNoneType: None"),
    ]
