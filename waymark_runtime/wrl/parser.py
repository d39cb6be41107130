"""`.wrl` text → IR: the Lark LALR parser, built once at import, and its indentation post-lexer.

`parse` raises `WrlSyntaxError` (1-based line and column, a terse message) and nothing else on
any input: header problems, bad characters, bad indentation, grammar errors, invalid names,
nesting deeper than `nesting.MAX_NESTING` and text or numbers longer than `sizes` allows. Messages come from `syntax_errors`; IR from the builder.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lark
from lark import Lark, Token, Transformer_NonRecursive, Tree
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from lark.lark import PostLex

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, WrlSyntaxError
from waymark_runtime.nesting import MAX_NESTING, too_deep
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS, MAX_LITERAL_DIGITS, MAX_PROGRAM_CHARS
from waymark_runtime.wrl.build_expr import ExprBuilder
from waymark_runtime.wrl.build_ops import OperationBuilder
from waymark_runtime.wrl.build_pattern import PatternBuilder
from waymark_runtime.wrl.build_stmt import StmtBuilder
from waymark_runtime.wrl.grammar import load_grammar
from waymark_runtime.wrl.locations import resolve_locations
from waymark_runtime.wrl.syntax_errors import describe

# A parse tree spends a few levels per level of IR; far deeper trees are refused before building.
MAX_TREE_DEPTH = 4 * MAX_NESTING

_OPENING = frozenset({"LPAR", "LSQB", "LBRACE"})
_CLOSING = frozenset({"RPAR", "RSQB", "RBRACE"})
_EXPECTED = f"wrl {ir.WRL_VERSION}"
_READABLE = frozenset(str(version) for version in ir.WRL_VERSIONS_READ)
_HEADER = re.compile(r"wrl[ \t]+([^\s#]+)[ \t]*(?:#[^\n]*)?(?:\r?\n|$)")


class IndentationLexer(PostLex):
    """Turns the indentation after each newline into `_INDENT`/`_DEDENT` tokens.

    Newlines inside brackets are ignored, as in Python. Indentation must use spaces, and a
    dedent must return to an enclosing level. A bracket holding more than MAX_DISPLAY_ITEMS
    items, or nested past MAX_TREE_DEPTH, is refused as it is read, before the parser spends a
    dozen reductions on each; so is a number of more than MAX_LITERAL_DIGITS digits, before
    reading it takes time quadratic in their count.
    """

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        levels = [0]
        commas = [0]  # per open bracket, innermost last
        last: Token | None = None
        for token in stream:
            last = token
            if token.type == "_NL":
                if len(commas) == 1:
                    yield token
                    yield from _indentation(token, levels)
                continue
            if token.type == "NUMBER" and len(token) > MAX_LITERAL_DIGITS:
                raise _too_long(token)
            yield token
            if token.type in _OPENING:
                commas.append(0)
                if len(commas) > MAX_TREE_DEPTH:
                    raise _too_deep(token)
            elif token.type in _CLOSING and len(commas) > 1:
                commas.pop()
            elif token.type == "COMMA" and len(commas) > 1:
                commas[-1] += 1
                if commas[-1] > MAX_DISPLAY_ITEMS:
                    raise _too_many(token)
        for _ in levels[1:]:
            yield (
                Token("_DEDENT", "") if last is None else Token.new_borrow_pos("_DEDENT", "", last)
            )


def _too_deep(bracket: Token) -> WrlSyntaxError:
    """Brackets nested past what any program the printer writes holds (each level of IR opens
    at most one), refused before the parser builds their tree: 100,000 took it 15 s."""
    message = f"nesting too deep (more than {MAX_NESTING} levels)"
    return WrlSyntaxError(message, bracket.line or 0, bracket.column or 0)


def _too_many(comma: Token) -> WrlSyntaxError:
    """More items in one bracket than a program may hold (the compiler refuses them, WM139)."""
    message = f"more than {MAX_DISPLAY_ITEMS:,} items in one bracket"
    return WrlSyntaxError(message, comma.line or 0, comma.column or 0)


def _too_long(number: Token) -> WrlSyntaxError:
    """A number longer than any the compiler writes (it refuses larger integers, WM139)."""
    message = f"a number of {len(number):,} digits (more than {MAX_LITERAL_DIGITS:,})"
    return WrlSyntaxError(message, number.line or 0, number.column or 0)


def _indentation(newline: Token, levels: list[int]) -> Iterator[Token]:
    indent = str(newline).rsplit("\n", 1)[1]
    line = newline.end_line or 0
    if "\t" in indent:
        raise WrlSyntaxError("indent with spaces, not tabs", line, indent.index("\t") + 1)
    width = len(indent)
    if width > levels[-1]:
        levels.append(width)
        yield _positioned("_INDENT", indent, newline, line, width)
        return
    while width < levels[-1]:
        levels.pop()
        yield _positioned("_DEDENT", indent, newline, line, width)
    if width != levels[-1]:
        raise WrlSyntaxError("unindent does not match any outer indentation level", line, width + 1)


def _positioned(kind: str, value: str, newline: Token, line: int, width: int) -> Token:
    end = newline.end_pos or 0
    return Token(kind, value, end, line, width + 1, line, width + 1, end)


class IrBuilder(
    StmtBuilder,
    OperationBuilder,
    PatternBuilder,
    ExprBuilder,
    Transformer_NonRecursive[Token, Any],
):
    """Parse tree → IR (non-recursive, so deep trees cannot exhaust the stack)."""

    def __default__(self, data: str, children: list[Any], meta: Any) -> Any:
        raise InternalError(f"no IR builder for the grammar rule {data!r}")


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the analysed grammar: a private per-user cache directory, keyed by the
    grammar and Lark's version. Building the tables costs about a second and 15 MB in every
    process; loading them, a tenth of that. No usable directory means no cache."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "waymark"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(root, os.W_OK) or root.stat().st_uid != os.getuid():
        return False
    key = hashlib.sha256(f"{lark.__version__}\0{grammar}".encode()).hexdigest()[:16]
    return str(root / f"wrl-{key}.lark-cache")


def _lark(grammar: str, *, located: bool) -> Lark:
    """The parser; `located`: each tree records where its rule starts (`meta`), which only the
    builder's errors read and which was ~40% of parsing: a text the builder refuses is parsed
    again with them (`_located_error`)."""
    return Lark(
        grammar,
        parser="lalr",
        postlex=IndentationLexer(),
        strict=True,
        propagate_positions=located,
        maybe_placeholders=True,
        cache=_cache_file(f"{grammar}\0{located}"),
    )


_GRAMMAR = load_grammar()
_LARK = _lark(_GRAMMAR, located=False)
_BUILDER = IrBuilder()


@functools.cache
def _locating() -> Lark:
    return _lark(_GRAMMAR, located=True)


def lark_parser() -> Lark:
    """The shared Lark instance (for tools and tests that inspect the grammar)."""
    return _LARK


def parse(text: str) -> ir.Workflow:
    """Parse one `.wrl` text into its workflow."""
    if not isinstance(text, str):
        raise WrlSyntaxError(f"expected .wrl text, got {type(text).__name__}", 1, 1)
    _check_header(text)
    if len(text) > MAX_PROGRAM_CHARS:
        message = f"a program of {len(text):,} characters (more than {MAX_PROGRAM_CHARS:,})"
        raise WrlSyntaxError(message, 1, 1)
    source = text if text.endswith("\n") else text + "\n"
    try:
        workflow = _build(_checked_tree(source, _LARK))
    except WrlSyntaxError as error:
        raise _located_error(source) or error from None
    _check_nesting(workflow)
    return workflow


def _checked_tree(source: str, parser: Lark) -> Tree[Token]:
    tree = _parse_tree(source, parser)
    _check_tree_depth(tree)
    resolve_locations(tree)
    return tree


def _located_error(source: str) -> WrlSyntaxError | None:
    """The error building the IR of `source` raises with rule positions recorded: the same
    error, at its line and column."""
    try:
        _build(_checked_tree(source, _locating()))
    except WrlSyntaxError as error:
        return error
    return None


def _check_header(text: str) -> None:
    if not text.strip():
        raise WrlSyntaxError(f"empty .wrl text; expected the header `{_EXPECTED}`", 1, 1)
    header = _HEADER.match(text)
    if header is None:
        raise WrlSyntaxError(f"expected the header `{_EXPECTED}` on the first line", 1, 1)
    if header.group(1) not in _READABLE:
        version = header.group(1)
        raise WrlSyntaxError(f"unsupported wrl version {version}", 1, header.start(1) + 1)


def _parse_tree(source: str, parser: Lark) -> Tree[Token]:
    try:
        return parser.parse(source)
    except UnexpectedInput as error:
        raise describe(error, parser, source) from None
    except LarkError as error:  # any other grammar-level failure still reads as bad input
        raise WrlSyntaxError(f"malformed .wrl text ({type(error).__name__})", 1, 1) from None
    except RecursionError:
        raise WrlSyntaxError("nesting too deep", 1, 1) from None


def _check_tree_depth(tree: Tree[Token]) -> None:
    """Refuse trees deeper than MAX_TREE_DEPTH; `a + b + c` counts as nested BinOps."""
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Tree):
            continue
        if node.data == "bin_chain":
            depth += len(node.children) // 2
        if depth > MAX_TREE_DEPTH:
            where = node.meta
            line, column = getattr(where, "line", 1), getattr(where, "column", 1)
            raise WrlSyntaxError(f"nesting too deep (more than {MAX_NESTING} levels)", line, column)
        stack.extend((child, depth + 1) for child in node.children)


def _check_nesting(workflow: ir.Workflow) -> None:
    """Refuse programs nested deeper than the compiler accepts (the printer would fail)."""
    found = too_deep(workflow)
    if found is not None:
        span = found[1]
        line, column = (span.line, span.column) if span else (1, 1)
        raise WrlSyntaxError(f"nesting too deep (more than {MAX_NESTING} levels)", line, column)


def _build(tree: Tree[Token]) -> ir.Workflow:
    try:
        workflow: ir.Workflow = _BUILDER.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, WrlSyntaxError | InternalError):
            raise error.orig_exc from None
        if isinstance(error.orig_exc, RecursionError):
            raise WrlSyntaxError("nesting too deep", 1, 1) from None
        raise _at(error.obj, f"malformed .wrl text ({error.orig_exc})") from None
    return workflow


def _at(where: Any, message: str) -> WrlSyntaxError:
    """Any other failure of building the IR still reads as bad input, at the failing rule."""
    meta = getattr(where, "meta", where)
    line, column = getattr(meta, "line", 1) or 1, getattr(meta, "column", 1) or 1
    return WrlSyntaxError(message[:200], line, column)
