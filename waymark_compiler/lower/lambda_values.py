"""Unnamed lambdas kept as values: `handlers = {"a": lambda x: x + k}`, `[lambda: 1, lambda:
2]`, `return lambda: k`, or passed to a function of the user's code (`self.apply(lambda x: x +
k, xs)`, `retry_with(lambda: k, 3)` of a module function). Each is given a hidden name bound just before its statement
(`_wm_lambda_1 = lambda x: x + k`), which `local_functions` then compiles as any lambda bound
to a name: a helper, and as a value a closure over the method's cells. Creating a lambda has
no effect but its defaults, so only a lambda whose defaults are constants is moved (a default
that reads a variable stays WM111, as a local function value does not keep such a default);
one in a comprehension is left to `lambda_comprehensions`, which runs the comprehension as a
function of its own (where it stays, WM111).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX
from waymark_compiler.lower.placing import Placing, fresh, place
from waymark_compiler.source import Source
from waymark_compiler.walk import concrete, walk

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_HELD = (cst.Element, cst.DictElement, cst.Return)  # where a lambda is a value kept
# The same classes as sets, tested with `type(node) in`: `isinstance` with libcst's abstract
# classes is slow at every node of a long body.
_HELD_KINDS = frozenset(concrete(*_HELD))
_WITHIN_KINDS = frozenset(concrete(cst.Lambda, *_COMPREHENSIONS))


def named_lambdas(method: cst.FunctionDef, taken: set[str], source: Source) -> cst.FunctionDef:
    """`method` with every lambda kept in a list, tuple, set or dict display or returned bound
    to a hidden name before its statement (in `method`'s own body, not a nested function's)."""
    found = _Kept(_own_functions(source, method))
    walk(method, found)  # (iterative: a deep expression costs no Python stack)
    if not found.lambdas:
        return method  # the common case: the tree, and what is keyed by its nodes, kept
    named = method.visit(_Naming(found.lambdas, taken, source))
    assert isinstance(named, cst.FunctionDef)
    return named


class OwnLines(cst.CSTVisitor):
    """A visitor of a method's own body (not its nested functions or classes) that counts the
    simple statements it is in (`lines`: a compound statement's header is in none)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # functions entered: the method is 1
        self.lines = 0

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines += 1

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine) -> None:
        self.lines -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_FunctionDef(self, original: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


class _Kept(OwnLines):
    """The lambdas to name, by node id."""

    def __init__(self, functions: frozenset[str]) -> None:
        super().__init__()
        self.functions = functions  # the module's functions `method` may pass a lambda to
        self.within = 0  # lambdas and comprehensions entered
        self.lambdas: set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        kept = self.within == 0 and self.lines
        kind = type(node)
        if kind in _HELD_KINDS and kept:
            self._keep(node.value)  # type: ignore[attr-defined]
        if kind is cst.Call and kept and _to_helper(node.func, self.functions):  # type: ignore[attr-defined]
            for arg in node.args:  # type: ignore[attr-defined]
                self._keep(arg.value)
        if kind in _WITHIN_KINDS:
            self.within += 1
        return super().on_visit(node)

    def _keep(self, value: cst.BaseExpression | None) -> None:
        if isinstance(value, cst.Lambda) and _plain_defaults(value):
            self.lambdas.add(id(value))

    def on_leave(self, original: cst.CSTNode) -> None:
        if type(original) in _WITHIN_KINDS:
            self.within -= 1
        super().on_leave(original)


class _Naming(Placing):
    def __init__(self, lambdas: set[int], taken: set[str], source: Source) -> None:
        super().__init__(source)
        self.lambdas = lambdas
        self.taken = taken
        self.found: list[cst.SimpleStatementLine] = []

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.BaseExpression:
        if id(original) not in self.lambdas:
            return updated
        name = cst.Name(fresh(f"{TEMP_PREFIX}lambda", self.taken))
        assign = cst.Assign(targets=[cst.AssignTarget(name)], value=updated)
        line = cst.SimpleStatementLine(body=[assign])
        for node in (line, assign, name):
            place(self.source, node, original)
        self.found.append(line)
        made = cst.Name(name.value)
        place(self.source, made, original)
        return made

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not self.found:
            return updated
        made, self.found = self.found, []
        return cst.FlattenSentinel([*made, updated])


def _plain_defaults(node: cst.Lambda) -> bool:
    params = node.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    defaults = [param.default for param in every if param.default is not None]
    constant = (cst.Integer, cst.Float, cst.SimpleString)
    return all(isinstance(d, constant) or _named_constant(d) for d in defaults)


def _named_constant(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


def _own_functions(source: Source, method: cst.FunctionDef) -> frozenset[str]:
    """The undecorated module-level functions of `source` (not actions) that `method` does
    not shadow with a name of its own: a call of one is a call of the user's code, which
    takes a function value."""
    body = source.module.body
    defined = {s.name.value for s in body if isinstance(s, cst.FunctionDef) and not s.decorators}
    return frozenset(defined - source.bound.get(method, frozenset()))


def _to_helper(func: cst.BaseExpression, functions: frozenset[str]) -> bool:
    """Is `func` a function of the user's code: a method of `self` (a helper method) or a
    function of the module? A lambda passed to it is a value (a closure), as in a display."""
    if isinstance(func, cst.Attribute):
        return isinstance(func.value, cst.Name) and func.value.value == "self"
    return isinstance(func, cst.Name) and func.value in functions
