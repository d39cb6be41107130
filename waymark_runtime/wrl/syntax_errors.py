"""Friendly messages for `.wrl` syntax errors.

Common mistakes are recognised from examples of malformed text (Lark's `match_examples` compares
the parser state at the error); anything else falls back to "expected ..., found ...", built from
the tokens the parser would have accepted. Owns no parsing of its own.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from waymark_runtime.errors import WrlSyntaxError

_PROLOGUE = "wrl 2\n\nworkflow W\n\nfn run():\n"


def _body(*lines: str) -> str:
    return _PROLOGUE + "".join(f"    {line}\n" for line in lines)


_OPERATORS = (
    *("+", "-", "*", "/", "//", "%", "@", "**", "&", "|", "^", "<<", ">>"),
    *("<", ">", "==", "!=", "<=", ">=", "in", "not in", "is", "is not", "and", "or"),
)

# Each message, with statements that make exactly that mistake.
EXAMPLES: dict[str, list[str]] = {
    "expected an expression after `=`": [
        _body("x ="),
        _body("x = y ="),
        _body("x = )"),
    ],
    "expected an expression after the operator": [
        _body(f"x = a {operator}") for operator in _OPERATORS
    ]
    + [_body(f"x = {operator}") for operator in ("-", "+", "~", "not")],
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
    "expected `fn run(...):` after the workflow line": [
        "wrl 2\n\nworkflow W\n",
        "wrl 2\n\nworkflow W @1:1\n",
    ],
    "unexpected indentation": [
        _body("x = 1", "    y = 2"),
    ],
    "expected a name after `.`": [
        _body("x = a."),
        _body("x = a.(b)"),
        _body("x = a.1"),
    ],
}

# Tokens whose text says more than their kind.
_SPELLED = frozenset({"NAME", "NUMBER", "STRING", "PATH", "FUNCTION"})
_TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "PATH": "an import path `module:name`",
    "FUNCTION": "a module's function such as `` `math.ceil` ``",
    "LOC": "a location `@line:column`",
    "AUGOP": "an augmented assignment",
    "CONVERSION": "a conversion such as `!r`",
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "end of block",
    "$END": "end of text",
}
# Long lists of alternatives read better as the kind of thing expected: (label, a member that
# must be present, members).
_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    (
        "a statement",
        "pass",
        frozenset(
            {"pass", "break", "continue", "return", "yield", "raise", "if", "for", "while"}
            | {"try", "del"}
        ),
    ),
    (
        "an expression",
        "NAME",
        frozenset({"NAME", "NUMBER", "STRING", "(", "[", "{", "-", "+", "~", "not", "None"}),
    ),
    (
        "an operator",
        "+",
        frozenset(
            {"+", "-", "*", "/", "//", "%", "@", "**", "&", "|", "^", "<<", ">>", "<", ">"}
            | {"==", ">=", "<=", "!=", "in", "not", "is", "and", "or", "if", ".", "[", "("}
        ),
    ),
)
# Words that only ever start an expression: dropped from the list once "an expression" is there.
_EXPRESSION_WORDS = frozenset(
    {"True", "False", "const", "fstring", "new", "enum", "type", "self", "*", "match", "await"}
    | {"FUNCTION", "action", "fn"}
)
_MAX_LISTED = 5


def describe(error: UnexpectedInput, parser: Lark, source: str) -> WrlSyntaxError:
    """The WrlSyntaxError for a Lark parse error in `source`."""
    line, column = _position(error)
    if isinstance(error, UnexpectedCharacters):
        return WrlSyntaxError(f"unexpected character {_show_char(error)}", line, column)
    at_end = _token_type(error) in ("$END", "_DEDENT", "_NL", None)
    bracket = _unclosed_bracket(source, line, column, at_end)
    if bracket is not None:
        char, bracket_line, bracket_column = bracket
        return WrlSyntaxError(f"unclosed `{char}`", bracket_line, bracket_column)
    label = _match_example(error, parser)
    if label is not None:
        return WrlSyntaxError(label, line, column)
    return WrlSyntaxError(_fallback(error, parser), line, column)


# What the bracket scan skips: strings (with escapes) and comments.
_SKIPPED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|#[^\n]*")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _unclosed_bracket(
    source: str, line: int, column: int, at_end: bool
) -> tuple[str, int, int] | None:
    """The innermost bracket still open at the error, if the text ended or the error is on a
    later line than the bracket.

    Inside brackets newlines do not end a statement, so a missing `)` shows up later as an
    error somewhere else; pointing at the bracket is more useful than pointing there.
    """
    lines = source.split("\n")
    current = lines[line - 1][: column - 1] if line <= len(lines) else ""
    before = "\n".join([*lines[: line - 1], current])
    stack: list[tuple[str, int]] = []
    position = 0
    while position < len(before):
        skipped = _SKIPPED.match(before, position)
        if skipped is not None:
            position = skipped.end()
            continue
        char = before[position]
        if char in _CLOSERS:
            stack.append((char, position))
        elif stack and char == _CLOSERS[stack[-1][0]]:
            stack.pop()
        position += 1
    if not stack:
        return None
    char, offset = stack[-1]
    bracket_line = before.count("\n", 0, offset) + 1
    if bracket_line == line and not at_end:
        return None
    return char, bracket_line, offset - (before.rfind("\n", 0, offset) + 1) + 1


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
    """The label of the example whose error happened in the most similar parser state.

    Parser states are compared from the top of the stack down (at least two must agree), not
    the whole stack, so a mistake is recognised at any block depth; among equally close
    examples, one failing on the same kind of token wins.
    """
    stack = _stack_of(error)
    if not stack:
        return None
    kind = _token_type(error)
    best: tuple[int, bool, str] | None = None
    for label, example_stack, example_kind in _signatures(parser):
        agreement = _common_top(stack, example_stack)
        if agreement < _MIN_AGREEMENT:
            continue
        score = (agreement, example_kind == kind, label)
        if best is None or score[:2] > best[:2]:
            best = score
    return None if best is None else best[2]


_MIN_AGREEMENT = 2
_DEPTH_COMPARED = 4
_SIGNATURES: dict[int, list[tuple[str, tuple[Any, ...], str | None]]] = {}


def _signatures(parser: Lark) -> list[tuple[str, tuple[Any, ...], str | None]]:
    """(label, parser stack, token type) of each example's error, computed once per parser."""
    if id(parser) not in _SIGNATURES:
        _SIGNATURES[id(parser)] = [
            (label, _stack_of(failure), _token_type(failure))
            for label, texts in EXAMPLES.items()
            for text in texts
            if (failure := _failure(parser, text)) is not None
        ]
    return _SIGNATURES[id(parser)]


def _common_top(left: tuple[Any, ...], right: tuple[Any, ...]) -> int:
    count = 0
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a != b or count == _DEPTH_COMPARED:
            break
        count += 1
    return count


def _failure(parser: Lark, text: str) -> UnexpectedInput | None:
    try:
        parser.parse(text)
    except UnexpectedInput as error:
        return error
    return None


def _stack_of(error: UnexpectedInput) -> tuple[Any, ...]:
    state = getattr(error, "state", None)
    return tuple(getattr(state, "state_stack", ()) or ())


def _token_type(error: UnexpectedInput) -> str | None:
    token = getattr(error, "token", None)
    return None if token is None else str(token.type)


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
    if token.type in _TOKEN_NAMES and token.type not in _SPELLED:
        return _TOKEN_NAMES[token.type]
    text = str(token)
    return f"`{text if len(text) <= 30 else text[:27] + '...'}`"


def _describe_expected(expected: set[str], parser: Lark) -> str:
    spellings = {name: _spelling(name, parser) for name in expected}
    remaining = set(spellings.values())
    names: list[str] = []
    for label, required, members in _GROUPS:
        if required in remaining:
            names.append(label)
            remaining -= members
            if label in ("a statement", "an expression"):
                remaining -= _EXPRESSION_WORDS | _GROUPS[1][2]
    names += sorted(_describe_spelling(spelling) for spelling in remaining)
    if len(names) > _MAX_LISTED:
        names = [*names[:_MAX_LISTED], "..."]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _spelling(name: str, parser: Lark) -> str:
    """A terminal's literal text (`(`, `if`), or its name for patterns (NAME, STRING, ...)."""
    if name in _TOKEN_NAMES:
        return name
    try:
        terminal = parser.get_terminal(name)
    except KeyError:
        return name
    return str(terminal.pattern.value) if terminal.pattern.type == "str" else name


def _describe_spelling(spelling: str) -> str:
    return _TOKEN_NAMES.get(spelling, f"`{spelling}`")
