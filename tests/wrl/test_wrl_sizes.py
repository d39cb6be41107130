"""Hostile sizes in `.wrl` text: numbers past MAX_LITERAL_DIGITS digits and programs past
MAX_PROGRAM_CHARS characters are refused with a positioned `WrlSyntaxError`, before reading
them costs seconds; the largest the compiler writes still round-trip."""

from __future__ import annotations

import time

import pytest

from waymark_runtime import ir
from waymark_runtime.errors import WrlSyntaxError
from waymark_runtime.sizes import MAX_LITERAL_DIGITS, MAX_PROGRAM_CHARS
from waymark_runtime.wrl import dumps, parse

HEADER = "wrl 2\n\nworkflow W\n\nfn run():\n"  # the first statement is on line 6


def body(*lines: str) -> str:
    return HEADER + "".join(f"    {line}\n" for line in lines)


def _refusal(text: str) -> WrlSyntaxError:
    started = time.monotonic()
    with pytest.raises(WrlSyntaxError) as caught:
        parse(text)
    assert time.monotonic() - started < 2
    return caught.value


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("return {digits} @+1:5", 12),
        ("return const(-{digits}) @+1:5", 19),
        ("return {digits}.5 @+1:5", 12),
    ],
)
def test_a_million_digit_number_is_refused_as_it_is_read(line: str, column: int) -> None:
    """A million digits took 6 s to read and 13 s to print again."""
    error = _refusal(body(line.format(digits="7" * 1_000_000)))
    assert str(error).split(": ", 1)[1].startswith("a number of 1,000,00")
    assert str(error).endswith(f"digits (more than {MAX_LITERAL_DIGITS:,})")
    assert (error.line, error.column) == (6, column)


def test_a_long_policy_number_is_refused() -> None:
    error = _refusal(body("x = await action m:f() retry(attempts=" + "9" * 20_000 + ") @+1:5"))
    assert str(error) == "6:43: a number of 20,000 digits (more than 10,000)"


def test_the_longest_integer_round_trips() -> None:
    nines = "9" * MAX_LITERAL_DIGITS
    for written, value in (
        (nines, 10**MAX_LITERAL_DIGITS - 1),
        (f"const(-{nines})", -(10**MAX_LITERAL_DIGITS - 1)),
    ):
        program = parse(body(f"return {written} @+1:5"))
        [statement] = program.run.body
        assert isinstance(statement, ir.Return)
        assert statement.value == ir.Const(value=value)
        assert parse(dumps(program)) == program
    assert "more than" in str(_refusal(body(f"return 1{'0' * MAX_LITERAL_DIGITS} @+1:5")))


def test_a_program_past_the_size_limit_is_refused_before_it_is_parsed() -> None:
    """About 60,000 characters a second here: 20 MB would take the parser minutes."""
    line = "x = 'a' @+1:5\n    "
    text = body(line * (20_000_000 // len(line)))
    error = _refusal(text)
    assert str(error) == (
        f"1:1: a program of {len(text):,} characters (more than {MAX_PROGRAM_CHARS:,})"
    )


def test_a_program_at_the_size_limit_is_read() -> None:
    padding = MAX_PROGRAM_CHARS - len(body("return 1 @+1:5"))
    text = body("return 1 @+1:5").replace("workflow W", "# " + "x" * (padding - 3) + "\nworkflow W")
    assert len(text) == MAX_PROGRAM_CHARS
    assert parse(text).name == "W"
