"""The builtins an `except*` statement is lowered onto (`interpreter.exception_groups`), called
by a stored program the compiler would never write: each malformed call fails the instance
with `ProgramError`, never with an error of the interpreter's own."""

from __future__ import annotations

import pytest

from waymark_runtime.effects import Complete, Fail
from waymark_runtime.interpreter import start
from waymark_runtime.wrl import parse

MALFORMED = [
    ("`except_star.enter`(1)", "`except_star.enter` takes an exception, not int"),
    ("`except_star.split`(None)", "`except_star.split` takes exception class paths"),
    ("`except_star.split`(None, 3)", "`except_star.split` takes exception class paths"),
    ("`except_star.split`(5, 'builtins:ValueError')", "takes an exception, not int"),
    ("`except_star.leave`(None, [], None)", "takes an exception, not NoneType"),
    ("`except_star.leave`(new builtins:ValueError(), [1], None)", "(exception, bool) pairs"),
    ("`except_star.leave`(new builtins:ValueError(), 5, None)", "(exception, bool) pairs"),
    ("`except_star.leave`(new builtins:ValueError(), [], 2)", "takes an exception, not int"),
]


def _program(call: str) -> str:
    return (
        "wrl 2\n\nworkflow W @1:1\n\nfn run() as method 'W.run': @+1:5\n"
        f"    x = {call} @+1:9\n    return x @+1:9\n"
    )


@pytest.mark.parametrize(("call", "message"), MALFORMED)
def test_a_malformed_call_fails_the_instance_as_a_program_error(call: str, message: str) -> None:
    _, effects = start(parse(_program(call)), {})
    failed = effects[-1]
    assert isinstance(failed, Fail)
    assert failed.error["type"] == "waymark_runtime.errors:ProgramError"
    assert message in failed.error["message"]


def test_nothing_left_to_raise_ends_the_statement() -> None:
    _, effects = start(
        parse(_program("`except_star.leave`(new builtins:ValueError(), [], None)")), {}
    )
    assert effects == [Complete(result=None)]
