"""Syntax errors: every malformed text fails with a positioned, terse `WrlSyntaxError`."""

from __future__ import annotations

import re

import pytest

from waymark_runtime import interpreter
from waymark_runtime.errors import ProgramError, WrlSyntaxError
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS
from waymark_runtime.wrl import parse

HEADER = "wrl 2\n\nworkflow W\n\nfn run():\n"  # the first statement is on line 6


def body(*lines: str) -> str:
    return HEADER + "".join(f"    {line}\n" for line in lines)


CASES = [
    # (text, line, column, message)
    ("", 1, 1, "empty .wrl text; expected the header `wrl 2`"),
    ("wrl 3\n\nworkflow W\n", 1, 5, "unsupported wrl version 3"),
    ("workflow W\n", 1, 1, "expected the header `wrl 2` on the first line"),
    ("wrl 2\n\nworkflow W\n", 3, 11, "expected `fn run(...):` after the workflow line"),
    ("wrl 2\n\x00", 2, 1, "unexpected character '\\x00'"),
    (body("x ="), 6, 8, "expected an expression after `=`"),
    (body("if x:", "    y = 1 +"), 7, 16, "expected an expression after the operator"),
    (body("while x"), 6, 12, "expected `:` at the end of the block header"),
    (body("for x y:"), 6, 11, "expected `in` after the loop target"),
    (body("await fetch(1)"), 6, 11, "expected an action, `gather`, `sleep` or a `self.` helper call after `await`"),
    (body("await action fetch(1)"), 6, 18, "expected an import path `module:name` after `action`"),
    (body("x = new Summary()"), 6, 13, "expected an import path `module:name`"),
    (body("x = len(xs"), 6, 12, "unclosed `(`"),
    (body("x = [1, 2"), 6, 9, "unclosed `[`"),
    (body("x = {'a': f(1,", "    y = 2"), 6, 16, "unclosed `(`"),
    (body("x = 1", "    y = 2"), 7, 9, "unexpected indentation"),
    (body("if x:", "        y = 2", "      z = 3"), 8, 11, "unindent does not match any outer indentation level"),
    (HEADER + "\tx = 1\n", 6, 1, "indent with spaces, not tabs"),
    (body("x = a."), 6, 11, "expected a name after `.`"),
    (body("x = 1 @"), 6, 12, "expected an expression after the operator"),
    (body("x = 'a\\q'"), 6, 9, "invalid escape sequence in string"),
    (body("a + 1 = 1"), 6, 5, "cannot assign to this expression"),
    (body("x = y = await action m:f()"), 6, 5, "an await assigns exactly one target"),
    (body("x = return"), 6, 9, "`return` is a keyword; write `` `return` `` to use it as a name"),
    (body("x = enum m:Color"), 6, 14, "an enum member is written `module:Class.MEMBER`"),
    (body("]"), 6, 5, "expected a statement, found `]`"),
    (body("x = 1 2"), 6, 11, "expected an operator, `,`, `=`, a location `@line:column` or end of line, found `2`"),
    (body("match x:", "    y = 1"), 7, 9, "expected `case`, found `y`"),
    (body("f(a=1, b)"), 6, 7, "positional argument follows a keyword argument"),
    (body("await action m:f() retry(attempts=1, attempts=2)"), 6, 42, "`attempts` is given twice"),
    (body("await action m:f() backoff(base=1)"), 6, 24, "`backoff` needs `multiplier=`"),
    (body("del a + 1"), 6, 5, "`del` takes names and subscripts"),
    (body("del a.b"), 6, 5, "`del` takes names and subscripts"),
    (body("del"), 6, 8, "expected an expression, found end of line"),
    (body("await action m:f() retry(attempts=(n), attempts=2)"), 6, 44, "`attempts` is given twice"),
    (body("await action m:f() timeout((n)"), 6, 31, "unclosed `(`"),
    (HEADER.replace("run()", "run(*)"), 5, 8, "`*` must be followed by a keyword-only parameter"),
    (HEADER.replace("run()", "run(*a, *)"), 5, 8, "`*` appears twice in the parameters"),
    (HEADER.replace("run()", "run(**k, a)"), 5, 8, "a parameter after the `**` parameter"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "column", "message"), CASES)
def test_error_message(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(WrlSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert (error.line, error.column, str(error)) == (line, column, f"{line}:{column}: {message}")


def test_a_bracket_past_the_item_limit_is_refused_as_it_is_read() -> None:
    """A 200,000-item list took the parser over half a minute; the compiler never writes one."""
    at_limit = ", ".join("1" for _ in range(MAX_DISPLAY_ITEMS))
    assert parse(body(f"return [{at_limit}] @+1:5")) is not None
    over = ", ".join("1" for _ in range(MAX_DISPLAY_ITEMS + 2))
    for text in (f"return [{over}] @+1:5", f"return f(({over}), {{1: 2}}) @+1:5"):
        with pytest.raises(WrlSyntaxError) as caught:
            parse(body(text))
        assert str(caught.value).endswith(": more than 10,000 items in one bracket")
        assert caught.value.line == 6


@pytest.mark.parametrize("opening", ["(", "[", "f("])
def test_brackets_nested_past_the_limit_are_refused_as_they_are_read(opening: str) -> None:
    """100,000 redundant parentheses parsed (in 15 s) into a plain `1`."""
    text = body("return " + opening * 100_000 + "1" + ")" * 100_000 + " @+1:5")
    with pytest.raises(WrlSyntaxError) as caught:
        parse(text)
    assert str(caught.value).endswith(": nesting too deep (more than 100 levels)")
    assert caught.value.line == 6


def test_errors_are_recognised_at_any_depth() -> None:
    nested = body("for x in xs:", "    if x:", "        while x:", "            y =")
    with pytest.raises(WrlSyntaxError, match="expected an expression after `=`"):
        parse(nested)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    break @+1:5\n", "`break` or `continue` outside a loop"),
        ("    a, *b, *c = [1, 2, 3] @+1:5\n", "multiple starred expressions in assignment"),
        ("    return *x @+1:5\n", "a starred expression outside a display or call"),
        ("    *a = x @+1:5\n", "starred assignment target must be in a list or tuple"),
        ("    for *a in x: @+1:5\n        pass @+1:9\n", "starred assignment target must be"),
        ("    return [a for *a in x] @+1:5\n", "starred assignment target must be in a list"),
        ("    return {a: 1 for *a in x} @+1:5\n", "starred assignment target must be in a list"),
    ],
)
def test_a_program_that_parses_but_cannot_run_is_refused_as_a_program_error(
    body: str, message: str
) -> None:
    """Text the grammar admits but Python could not have written (`break` outside a loop, two
    starred targets, a bare `*x`): the interpreter refuses it with a `ProgramError` saying
    what is wrong, never an internal error."""
    program = parse("wrl 2\n\nworkflow W @1:1\n\nfn run(x): @+1:5\n" + body)
    with pytest.raises(ProgramError, match=re.escape(message)):
        interpreter.start(program, {"x": [1]})
