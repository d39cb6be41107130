"""Refuses source nested deeper than the runtime's `MAX_NESTING` (WM148), before libcst's position
metadata and the lowering, which recurse once per level, walk into it.

The whole module is measured with CPython's `ast` (compact, positioned, measured iteratively);
a module too deep for CPython itself to compile is pointed at its longest logical line. Also
refuses (WM100) a run of adjacent string literals longer than libcst reads.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter

from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.rules.statements import NESTED_TOO_DEEPLY, SYNTAX_ERROR
from waymark_runtime.ir import Span
from waymark_runtime.nesting import MAX_NESTING

HELP = "split it with intermediate variables or a helper method"
# Singleton leaves that only tag their parent (`Load`, `Add`, `And`, `Eq`, ...).
_TAGS = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LEAVES = frozenset({ast.Constant, ast.Name, ast.Pass, ast.Break, ast.Continue})
# Adjacent literals (`'a' 'b'`) libcst's parser reads in one expression; it refuses more.
MAX_ADJACENT_STRINGS = 3000
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)
_LAYOUT = (tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER)


def too_deep(path: str, tree: ast.AST) -> Diagnostic | None:
    """WM148 at the outermost expression (or the statement) holding the first node deeper than
    MAX_NESTING levels, counting blocks and expressions alike."""
    stack: list[tuple[ast.AST, int, ast.AST]] = [(tree, 1, tree)]
    while stack:
        node, depth, anchor = stack.pop()
        if isinstance(node, ast.stmt) or (isinstance(node, ast.expr) and _is_stmt(anchor)):
            anchor = node
        if depth > MAX_NESTING:
            return diagnostic(path, _span(anchor), isinstance(anchor, ast.expr))
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _TAGS)]
        # `a and b and c` is one node here but a chain in libcst, which nests it a level per
        # operator (its native parser overflows its stack on thousands of them); the `for`
        # clauses of a comprehension are loops CPython's code generator nests (it overflows on
        # tens of thousands).
        step = 1
        if isinstance(node, ast.BoolOp):
            step = len(node.values) - 1
        elif isinstance(node, _COMPREHENSIONS):
            step = len(node.generators)
        if depth + step <= MAX_NESTING:  # leaves this shallow cannot be too deep: not pushed
            children = [child for child in children if type(child) not in _LEAVES]
        stack.extend((child, depth + step, anchor) for child in reversed(children))
    return None


def too_many_adjacent_strings(path: str, text: str) -> Diagnostic | None:
    """WM100 at the first of more than MAX_ADJACENT_STRINGS adjacent string literals: CPython
    joins them into one constant, libcst nests one node per literal and refuses the rest."""
    longest, start, run, first, inside = 0, (1, 0), 0, (1, 0), 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if inside:  # within an f-string, tokenized in parts from Python 3.12
                inside += {_FSTRING_START: 1, _FSTRING_END: -1}.get(token.type, 0)
            elif token.type in (tokenize.STRING, _FSTRING_START):
                run, first = run + 1, first if run else token.start
                inside = int(token.type == _FSTRING_START)
                if run > longest:
                    longest, start = run, first
            elif token.type not in (tokenize.NL, tokenize.COMMENT):
                run = 0
    except (tokenize.TokenError, SyntaxError):
        return None
    if longest <= MAX_ADJACENT_STRINGS:
        return None
    line, column = start
    message = (
        f"syntax error: {longest:,} adjacent string literals in one expression "
        f"(the compiler reads at most {MAX_ADJACENT_STRINGS:,})"
    )
    help = "write the text as fewer literals, or join a list of them with `''.join([...])`"
    span = Span(line, column + 1, line, column + 2)
    return Diagnostic(SYNTAX_ERROR.code, "error", message, path, span, "adjacent literals", help)


def too_deep_for_python(path: str, text: str) -> Diagnostic:
    """WM148 for a module whose compilation exhausted CPython's own recursion limit."""
    return diagnostic(path, _longest_logical_line(text), True)


def diagnostic(path: str, span: Span, expression: bool) -> Diagnostic:
    what = "expression" if expression else "block"
    message = f"{what} nested too deeply (more than {MAX_NESTING} levels)"
    return Diagnostic(
        NESTED_TOO_DEEPLY.code, "error", message, path, span, "nested too deeply", HELP
    )


def _is_stmt(node: ast.AST) -> bool:
    return isinstance(node, ast.stmt | ast.Module)


def _span(node: ast.AST) -> Span:
    line = getattr(node, "lineno", 1)
    column = getattr(node, "col_offset", 0) + 1
    end_line = getattr(node, "end_lineno", None) or line
    end_column = (getattr(node, "end_col_offset", None) or column) + 1
    return Span(line, column, end_line, end_column)


def _longest_logical_line(text: str) -> Span:
    """The logical line with the most tokens: where a nesting deep enough to defeat CPython is."""
    counts: Counter[tuple[int, int]] = Counter()
    start = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _LAYOUT:
                continue
            start = start or token.start
            counts[start] += 1
            if token.type == tokenize.NEWLINE:
                start = None
    except (tokenize.TokenError, SyntaxError):
        pass
    line, column = counts.most_common(1)[0][0] if counts else (1, 0)
    return Span(line, column + 1, line, column + 2)
