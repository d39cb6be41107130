"""Parsing one Python source file: CPython's own syntax check, then a libcst tree with positions.

`parse` never raises on bad input: a syntax error becomes a WM100 diagnostic, nesting too deep
for the runtime a WM148. Nothing here knows about workflows; it only turns text into a tree and
tree nodes into `Span`s.
"""

from __future__ import annotations

import ast
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from waymark_compiler import long_literals, nesting, sizes
from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.form_feeds import level_form_feeds
from waymark_compiler.layout import Layout
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
    layout: Layout = field(default_factory=Layout, compare=False)
    """How the text libcst read differs from `text`."""
    large: Mapping[cst.CSTNode, int] = field(default_factory=dict, compare=False)
    """Displays of more than MAX_DISPLAY_ITEMS items, emptied before libcst read them
    (`sizes.blank_large`): their number of items."""

    def span(self, node: cst.CSTNode) -> Span:
        found = self.positions.get(node)
        if found is None:
            return Span(1, 1, 1, 1)
        line, column = self.layout.place(found[0], found[1] + 1)
        end_line, end_column = self.layout.place(found[2], found[3] + 1)
        return Span(line, column, end_line, end_column)

    def items(self, node: cst.CSTNode) -> int:
        """The number of items of a display node as written (0 for other nodes)."""
        if not isinstance(node, sizes.DISPLAYS):
            return 0
        return self.large.get(node, len(node.elements))

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


BOM = "\ufeff"
_SYNTAX_HELP = "Python itself rejects this source; fix the syntax first"


def _checked(path: str, text: str) -> ast.Module | Diagnostic:
    """CPython's tree of the source, or its verdict against it: catches what libcst accepts
    (e.g. `break` outside a loop), and nesting deeper than the runtime accepts."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, path)
            # Measured before `compile`, whose code generator recurses in C once per level
            # and overflows the stack (a crash, not an exception) on 50,000 nested loops.
            refused = nesting.too_deep(path, tree)
            if refused is not None:
                return refused
            compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        too_long = long_literals.too_long(path, text, error)
        if too_long is not None:
            return too_long
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
    return tree


def parse(text: str, path: str) -> Source | Diagnostic:
    """The parsed module, or the WM100 (WM148) diagnostic explaining why it does not parse (is
    nested too deeply to compile)."""
    text = text.removeprefix(BOM)  # as CPython's `compile` reads a string
    tree = _checked(path, text)
    if isinstance(tree, Diagnostic):
        return tree
    readable, large, layout = sizes.blank_large(text, tree)
    readable, columns = level_form_feeds(readable)
    layout = replace(layout, columns=columns)
    try:
        module, where = _read(readable)
        found = sizes.locate(large, where, layout)
        if len(found) < len(large):  # never expected: read every item rather than lose some
            readable, columns = level_form_feeds(text)
            layout = Layout(columns)
            module, where = _read(readable)
            found = {}
    except cst.ParserSyntaxError as failure:
        refused = nesting.too_many_adjacent_strings(path, text)
        if refused is not None:
            return refused
        line, column = layout.place(failure.raw_line, failure.raw_column + 1)
        span = Span(line, column, line, column + 1)
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
    return Source(path, text, module, where, layout=layout, large=found)


def _read(text: str) -> tuple[cst.Module, dict[cst.CSTNode, Range]]:
    """libcst's tree of `text` and its positions."""
    module = cst.parse_module(shield(text))
    where = positions(module)
    if not text.isascii():
        module = _normalized_names(module, where)
    return module, where


class _Normalizer(cst.CSTTransformer):
    """Rewrites every identifier to its NFKC form, as CPython's tokenizer reads it (`ﬁle` with
    the `fi` ligature is `file`, a fullwidth `F` is `F`), and gives each rewritten node the
    position of its original."""

    def __init__(self, where: dict[cst.CSTNode, Range]) -> None:
        super().__init__()
        self.where = where

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value=unicodedata.normalize("NFKC", updated_node.value))

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        result = super().on_leave(original_node, updated_node)
        if (
            isinstance(result, cst.CSTNode)
            and result is not original_node
            and original_node in self.where
        ):
            self.where[result] = self.where[original_node]
        return result


def _normalized_names(module: cst.Module, where: dict[cst.CSTNode, Range]) -> cst.Module:
    """`module` with identifiers in NFKC form; itself when every one is already (the usual
    case, checked without rebuilding the tree)."""
    names = (node for node in where if isinstance(node, cst.Name))
    if all(unicodedata.is_normalized("NFKC", name.value) for name in names):
        return module
    normalized = module.visit(_Normalizer(where))
    assert isinstance(normalized, cst.Module)
    return normalized
