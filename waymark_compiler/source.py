"""Parsing one Python source file: CPython's own syntax check, then a libcst tree with positions.

`parse` never raises on bad input: a syntax error becomes a WM100 diagnostic, nesting too deep
for the runtime a WM148. Nothing here knows about workflows; it only turns text into a tree and
tree nodes into `Span`s.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

import libcst as cst

from waymark_compiler import nesting
from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.named_escapes import shield
from waymark_compiler.positions import Range, positions
from waymark_compiler.rules.statements import SYNTAX_ERROR
from waymark_runtime.ir import Span


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed module: its text, tree and node positions."""

    path: str
    text: str
    module: cst.Module
    positions: dict[cst.CSTNode, Range]
    bound: dict[cst.FunctionDef, frozenset[str]] = field(default_factory=dict, compare=False)
    """The names each function of the tree binds (parameters included), as discovery scanned
    them: lowering reads them here instead of scanning the body again."""
    hidden: set[str] = field(default_factory=set, compare=False)
    """Variables the compiler adds to a function (a local function's defaults, evaluated where
    its `def` runs): names of the reserved prefix that lowering accepts."""

    def span(self, node: cst.CSTNode) -> Span:
        found = self.positions.get(node)
        if found is None:
            return Span(1, 1, 1, 1)
        line, column, end_line, end_column = found
        return Span(line, column + 1, end_line, end_column + 1)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


_SYNTAX_HELP = "Python itself rejects this source; fix the syntax first"


def _syntax_error(path: str, text: str) -> Diagnostic | None:
    """CPython's verdict on the source: catches what libcst accepts (e.g. `break` outside a loop),
    and nesting deeper than the runtime accepts."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, path)
            # Measured before `compile`, whose code generator recurses in C once per level
            # and overflows the stack (a crash, not an exception) on 50,000 nested loops.
            deep = nesting.too_deep(path, tree)
            if deep is not None:
                return deep
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        line = error.lineno or 1
        column = error.offset or 1
        end_column = error.end_offset if error.end_lineno == line and error.end_offset else column
        span = Span(line, column, line, max(end_column, column + 1))
        message = f"syntax error: {(error.msg or 'invalid syntax').rstrip('.').lower()}"
        return Diagnostic(SYNTAX_ERROR.code, "error", message, path, span, "here", _SYNTAX_HELP)
    except ValueError as error:  # NUL bytes and the like
        return Diagnostic(
            SYNTAX_ERROR.code,
            "error",
            f"syntax error: {error}",
            path,
            Span(1, 1, 1, 2),
            "",
            None,
        )
    except (RecursionError, MemoryError):  # CPython's own parser gave up on the nesting
        return nesting.too_deep_for_python(path, text)
    return None


def parse(text: str, path: str) -> Source | Diagnostic:
    """The parsed module, or the WM100 (WM148) diagnostic explaining why it does not parse (is
    nested too deeply to compile)."""
    error = _syntax_error(path, text)
    if error is not None:
        return error
    try:
        module = cst.parse_module(shield(text))
        where = positions(module)
    except cst.ParserSyntaxError as failure:
        span = Span(
            failure.raw_line, failure.raw_column + 1, failure.raw_line, failure.raw_column + 2
        )
        return Diagnostic(
            SYNTAX_ERROR.code,
            "error",
            "syntax error: unsupported syntax",
            path,
            span,
            "here",
            None,
        )
    except RecursionError:
        return nesting.too_deep_for_python(path, text)
    return Source(path, text, module, where)
