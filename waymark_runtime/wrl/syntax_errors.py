"""Friendly messages for `.wrl` syntax errors.

Common mistakes are recognised from examples of malformed text (Lark's `match_examples` compares
the parser state at the error); anything else falls back to "expected ..., found ...", built from
the tokens the parser would have accepted. Owns no parsing of its own.
"""

from __future__ import annotations

from typing import Any

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from waymark_runtime.errors import WrlSyntaxError

_PROLOGUE = "wrl 1\n\nworkflow W\n\nfn run():\n"


def _body(*lines: str) -> str:
    return _PROLOGUE + "".join(f"    {line}\n" for line in lines)


# Each message, with statements that make exactly that mistake.
EXAMPLES: dict[str, list[str]] = {
    "expected an expression after `=`": [
        _body("x ="),
        _body("x = y ="),
        _body("x = )"),
    ],
    "expected an expression after the operator": [
        _body("x = a +"),
        _body("x = a *"),
        _body("x = a ** "),
        _body("x = a and"),
        _body("x = a <"),
    ],
    "expected `:` at the end of the block header": [
        _body("if x"),
        _body("elif x"),
        _body("while x"),
        _body("for x in y"),
        _PROLOGUE.replace("fn run():", "fn run()"),
        _body("try"),
        _body("match x"),
    ],
    "expected `in` after the loop target": [
        _body("for x y:"),
        _body("for x:"),
    ],
    "expected an action, `gather`, `sleep` or a `self.` helper call after `await`": [
        _body("await x"),
        _body("x = await y"),
        _body("x = await f(1)"),
    ],
    "expected an import path `module:name` after `action`": [
        _body("await action f(1)"),
        _body("await action"),
    ],
    "expected an import path `module:name`": [
        _body("x = new Foo()"),
        _body("x = enum Color.RED"),
        _body("x = type ValueError"),
    ],
    "unclosed `(`": [
        _body("x = f(a"),
        _body("x = f(a, b"),
        _body("x = (a"),
    ],
    "unclosed `[`": [
        _body("x = [a"),
        _body("x = [a, b"),
        _body("x = y[a"),
    ],
    "unclosed `{`": [
        _body("x = {a"),
        _body("x = {a: b"),
    ],
    "unexpected indentation": [
        _body("x = 1", "    y = 2"),
    ],
    "expected a name after `.`": [
        _body("x = a."),
        _body("x = a.(b)"),
        _body("x = a.1"),
    ],
    "a location is written `@line:column`": [
        _body("x = 1 @"),
        _body("x = 1 @3"),
    ],
}

_TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "PATH": "an import path `module:name`",
    "LOC": "a location `@line:column`",
    "AUGOP": "an augmented assignment",
    "CONVERSION": "a conversion such as `!r`",
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "end of block",
    "$END": "end of text",
}
# Tokens any expression may start with: a long list of them reads better as "an expression".
_EXPRESSION_STARTS = frozenset({"NAME", "NUMBER", "STRING", "LPAR", "LSQB", "LBRACE"})
_MAX_LISTED = 5


def describe(error: UnexpectedInput, parser: Lark) -> WrlSyntaxError:
    """The WrlSyntaxError for a Lark parse error."""
    line, column = _position(error)
    if isinstance(error, UnexpectedCharacters):
        return WrlSyntaxError(f"unexpected character {_show_char(error)}", line, column)
    label = _match_example(error, parser)
    if label is not None:
        return WrlSyntaxError(label, line, column)
    return WrlSyntaxError(_fallback(error, parser), line, column)


def _position(error: UnexpectedInput) -> tuple[int, int]:
    line, column = getattr(error, "line", 0), getattr(error, "column", 0)
    if isinstance(line, int) and line > 0 and isinstance(column, int) and column > 0:
        return line, column
    token = getattr(error, "token", None)
    return (getattr(token, "line", None) or 1), (getattr(token, "column", None) or 1)


def _show_char(error: UnexpectedCharacters) -> str:
    char = error.char
    return f"`{char}`" if char.isprintable() and char != "`" else repr(char)


def _match_example(error: UnexpectedInput, parser: Lark) -> str | None:
    if getattr(error, "state", None) is None:
        return None
    try:
        label: str | None = error.match_examples(parser.parse, EXAMPLES, use_accepts=True)
    except (UnexpectedInput, WrlSyntaxError):
        return None
    return label


def _fallback(error: UnexpectedInput, parser: Lark) -> str:
    expected = _expected(error)
    found = _found(error)
    names = _describe_expected(expected, parser)
    if not names:
        return f"unexpected {found}"
    return f"expected {names}, found {found}"


def _expected(error: UnexpectedInput) -> set[str]:
    if isinstance(error, UnexpectedToken):
        return set(error.accepts or error.expected)
    if isinstance(error, UnexpectedEOF):
        return set(error.expected)
    return set()


def _found(error: UnexpectedInput) -> str:
    token: Any = getattr(error, "token", None)
    if token is None or token.type == "$END" or isinstance(error, UnexpectedEOF):
        return "end of text"
    if token.type in _TOKEN_NAMES and token.type not in ("NAME", "NUMBER", "STRING", "PATH"):
        return _TOKEN_NAMES[token.type]
    text = str(token)
    return f"`{text if len(text) <= 30 else text[:27] + '...'}`"


def _describe_expected(expected: set[str], parser: Lark) -> str:
    names: list[str] = []
    if len(expected & _EXPRESSION_STARTS) >= 4:
        names.append("an expression")
        expected = expected - _EXPRESSION_STARTS - _expression_keywords(parser, expected)
    names += sorted(_describe_token(name, parser) for name in expected)
    if len(names) > _MAX_LISTED:
        names = [*names[:_MAX_LISTED], "..."]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _expression_keywords(parser: Lark, expected: set[str]) -> set[str]:
    """Operators and words that only start expressions (`-`, `not`, `new`, ...)."""
    starters = {"MINUS", "PLUS", "TILDE", "NOT", "NONE", "TRUE", "FALSE", "STAR", "LAMBDA"}
    starters |= {"SOFT_NEW", "SOFT_ENUM", "SOFT_TYPE", "SOFT_CONST", "SOFT_FSTRING", "SOFT_SELF"}
    return expected & starters


def _describe_token(name: str, parser: Lark) -> str:
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    try:
        terminal = parser.get_terminal(name)
    except KeyError:
        return name.lower()
    return f"`{terminal.pattern.value}`"
