"""Cells for the variables a closure keeps: a local function used as a value (kept in a
variable, stored in a list, passed to a function, returned) or one that declares `nonlocal`.

CPython keeps such a variable in a cell that the function and the closure share: the closure
reads the variable's current value when it runs, and `nonlocal` writes reach the enclosing
function. A cell here is a dict the method makes at its start, holding the variable's value
under key 0 and empty while the variable is unbound (`_wm_cell_k = {}`, or `{0: k}` for a
parameter). A write of `k` becomes `_wm_cell_k[0] = ...`, a read (an augmented assignment's
too) `_wm_bound(_wm_cell_k, "k", free)[0]` (`CELL`), which raises CPython's error for a
variable read before it is bound: a `NameError` about a free variable in a closure (`free`),
an `UnboundLocalError` in the method. The helper the local function becomes is passed the
dict, and a value of the function is `functools.partial` of the helper with its cells. A dict
is one object under every name, across awaits and resumes, so the closure keeps seeing the
method's variable.
The rewrite is done on the syntax tree before lowering, as `local_functions` does its own.
"""

from __future__ import annotations

import symtable
import textwrap
from collections.abc import Iterable
from typing import Any

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX
from waymark_compiler.diagnostics import Sink
from waymark_compiler.lower.placing import Placing, place
from waymark_compiler.namespace import target_names
from waymark_compiler.rules.statements import NESTED_DEFINITION
from waymark_compiler.source import Source

CLOSURE = f"{TEMP_PREFIX}closure"
"""The call a value of a local function with cells is written as before lowering:
`_wm_closure(self.helper, _wm_cell_k=_wm_cell_k)`, lowered as `functools.partial`."""

CELL = f"{TEMP_PREFIX}bound"
"""The call a read of a variable through its cell is written as before lowering:
`_wm_bound(_wm_cell_k, "k", False)[0]`, lowered as `vocabulary.CELL_BOUND`, which raises
CPython's error when the variable is unbound (its cell is empty)."""

_MAPS = frozenset({"map", "filter"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def is_closure(node: cst.BaseExpression) -> bool:
    """Is `node` a value of a local function with its cells (`CLOSURE`)?"""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and (node.func.value == CLOSURE)
    )


def cell_name(variable: str) -> str:
    return f"{TEMP_PREFIX}cell_{variable}"


def escaping(body: cst.CSTNode, names: dict[str, bool]) -> set[str]:
    """The local functions of `names` (each with whether its parameters are plain) that `body`
    uses as a value: any reference but a call, and `key=fn`, `map(fn, xs)` for plain ones
    (which `local_calls` wraps in a lambda that reads the variables when it is called)."""
    found = _References(names)
    body.visit(found)
    return found.escaping


class NotReferences:
    """What a scan for a variable's references skips: the names that only look like one (an
    attribute's, a keyword argument's, a parameter's), collected in `skipped` by node id."""

    skipped: set[int]

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skipped.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skipped.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self.skipped.add(id(node.name))


class _References(NotReferences, cst.CSTVisitor):
    def __init__(self, names: dict[str, bool]) -> None:
        super().__init__()
        self.names = names
        self.skipped = set()
        self.escaping: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self.skipped.add(id(node.func))
        for index, arg in enumerate(node.args):
            keyed = arg.keyword is not None and arg.keyword.value == "key"
            mapped = index == 0 and isinstance(node.func, cst.Name) and node.func.value in _MAPS
            value = arg.value
            plain = isinstance(value, cst.Name) and self.names.get(value.value) is True
            if plain and (keyed or (mapped and arg.keyword is None and not arg.star)):
                self.skipped.add(id(value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.skipped.add(id(node.name))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names and id(node) not in self.skipped:
            self.escaping.add(node.value)


def declares_nonlocal(definition: cst.FunctionDef) -> bool:
    """Does the body of `definition` (not of a function within it) declare `nonlocal`?"""
    found = _Nonlocals()
    definition.body.visit(found)
    return found.found


def encloses_functions(definition: cst.FunctionDef) -> bool:
    """Does `definition` define a function or lambda, which may outlive the call and read the
    enclosing method's variables later (`def outer(): return lambda: k`)?"""
    found = _Functions()
    definition.body.visit(found)
    return found.found


class _Functions(cst.CSTVisitor):
    found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found = True
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.found = True
        return False


class _Nonlocals(cst.CSTVisitor):
    found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.found = True


def in_cells(
    body: cst.BaseSuite, cells: Iterable[str], source: Source, sink: Sink, *, nested: bool
) -> cst.BaseSuite:
    """`body` with every use of the variables `cells` (not shadowed by a lambda's parameter or
    a comprehension's variable) read and written through its cell, its `nonlocal` statements
    of them taken out; lambdas are rewritten too (they read the cell). With `nested`, so are
    the functions defined in it (but for the variables each binds itself), which the helper
    `body` becomes passes the cell on to; without, they are not (`local_functions` rewrites
    each of a method's own for the variables it reads)."""
    rewritten = body.visit(_InCells(frozenset(cells), source, sink, nested))
    assert isinstance(rewritten, cst.BaseSuite)
    return rewritten


def read_in_cells(
    value: cst.BaseExpression, cells: Iterable[str], source: Source, sink: Sink
) -> cst.BaseExpression:
    """`value`, evaluated in the method (a local function's default), reading `cells`."""
    rewritten = value.visit(_InCells(frozenset(cells), source, sink, False))
    assert isinstance(rewritten, cst.BaseExpression)
    return rewritten


def made_cells(
    body: cst.IndentedBlock, cells: Iterable[str], params: set[str], source: Source
) -> cst.IndentedBlock:
    """`body` opening with the making of its cells: a parameter's holds its value, another's
    is empty (the variable is unbound)."""
    made = []
    for variable in sorted(cells):
        held = [cst.DictElement(cst.Integer("0"), cst.Name(variable))] if variable in params else []
        target = cst.AssignTarget(cst.Name(cell_name(variable)))
        assign = cst.Assign(targets=[target], value=cst.Dict(held))
        line = cst.SimpleStatementLine(body=[assign])
        place(source, line, body)
        made.append(line)
    return body.with_changes(body=[*made, *body.body])


class _InCells(NotReferences, Placing):
    def __init__(self, cells: frozenset[str], source: Source, sink: Sink, nested: bool) -> None:
        super().__init__(source)
        self.cells = cells
        self.sink = sink
        self.nested = nested
        self.shadowed: list[frozenset[str]] = []
        self.skipped = set()
        self.stored: set[int] = set()  # the names bound by an assignment, `for`, `with`
        self.lambdas = 0

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._store(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._store(node.asname.name)

    def _store(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.stored.add(id(target))
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._store(element.value)
        elif isinstance(target, cst.StarredElement):
            self._store(target.value)

    def _hidden(self) -> frozenset[str]:
        return frozenset().union(*self.shadowed) if self.shadowed else frozenset()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.shadowed.append(frozenset(_param_names(node.params)))
        self.lambdas += 1

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.BaseExpression:
        self.shadowed.pop()
        self.lambdas -= 1
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self.nested:  # the cell is the enclosing function's, which the inner one reads
            self.skipped.add(id(node.name))
        return self.nested  # else its own scope: rewritten apart, for what it reads

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.shadowed.append(_own_variables(node, self.cells, self.source))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self.shadowed.pop()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _COMPREHENSIONS):
            self.shadowed.append(frozenset(_comprehension_names(node)))
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> Any:
        if isinstance(original, _COMPREHENSIONS):
            self.shadowed.pop()
        return super().on_leave(original, updated)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bound_by(node.name.name, "`except ... as`")

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bound_by(node.target, "`:=`")

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bound_by(node.name, "a `case` pattern")

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bound_by(node.name, "a `case` pattern")

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.skipped.update(id(item.name) for item in node.names)

    def _bound_by(self, target: cst.BaseExpression, how: str) -> None:
        if not isinstance(target, cst.Name) or not self._celled(target.value):
            return
        self.skipped.add(id(target))
        message = f"variable `{target.value}` a closure keeps is bound by {how}"
        help = f"bind `{target.value}` with `=` (assign it from another name)"
        span = self.source.span(target)
        self.sink.error(NESTED_DEFINITION, span, message, "kept by a closure", help)

    def _celled(self, name: str) -> bool:
        return name in self.cells and name not in self._hidden()

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        kept = [s for s in updated.body if not self._cells_declared(s)]
        if len(kept) == len(updated.body):
            return updated
        return updated.with_changes(body=kept or [cst.Pass()])

    def _cells_declared(self, statement: cst.BaseSmallStatement) -> bool:
        if not isinstance(statement, cst.Nonlocal):
            return False
        return all(item.name.value in self.cells for item in statement.names)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self.skipped or not self._celled(original.value):
            return updated
        index = cst.SubscriptElement(cst.Index(cst.Integer("0")))
        cell: cst.BaseExpression = cst.Name(cell_name(original.value))
        if id(original) not in self.stored:  # a read (`+=` too): of a bound variable only
            free = cst.Name("True" if self.nested or self.lambdas else "False")
            named = cst.SimpleString(repr(original.value))
            args = [cst.Arg(cell), cst.Arg(named), cst.Arg(free)]
            cell = cst.Call(func=cst.Name(CELL), args=args)
            for node in (cell, *args, *(arg.value for arg in args)):
                place(self.source, node, original)
        return cst.Subscript(value=cell, slice=[index])


def _own_variables(
    definition: cst.FunctionDef, cells: frozenset[str], source: Source
) -> frozenset[str]:
    """The variables `definition` binds itself (its parameters too), not those it declares
    `nonlocal` or `global`: CPython's analysis, of it inside a function binding `cells`."""
    code = textwrap.dedent(source.module.code_for_node(definition.with_changes(decorators=())))
    bound = "".join(f"    {name} = None\n" for name in sorted(cells))
    wrapped = f"def {TEMP_PREFIX}scope():\n{bound}{textwrap.indent(code, '    ')}"
    (scope,) = symtable.symtable(wrapped, "<function>", "exec").get_children()
    (table,) = [t for t in scope.get_children() if t.get_name() == definition.name.value]
    return frozenset(s.get_name() for s in table.get_symbols() if s.is_local())


def _param_names(params: cst.Parameters) -> Iterable[str]:
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return (param.name.value for param in every)


def _comprehension_names(node: cst.BaseComp) -> Iterable[str]:
    clause: cst.CompFor | None = node.for_in
    while clause is not None:
        yield from target_names(clause.target)
        clause = clause.inner_for_in
