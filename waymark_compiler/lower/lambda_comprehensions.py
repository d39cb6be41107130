"""A list, set or dict comprehension that makes lambdas (`[lambda: i for i in range(3)]`,
`{k: (lambda v=v: v * 2) for k, v in d.items()}`) becomes the function CPython runs it as: a
local function defined just before its statement, called with the first iterable, which
builds the result with a `for` loop.

Its loop variables are then that function's own, in cells its lambdas share: each lambda reads
the variable when it is called (late binding: `[f() for f in fs]` is `[2, 2, 2]`), a new cell
for each time the comprehension runs, and a default (`lambda i=i: i`) is evaluated at each
iteration. `local_functions` compiles the function and its lambdas as it does any local
function. A comprehension with an `await` or a `:=` in it, a generator expression (lazy) and
one in a compound statement's header are left as they are (their lambdas stay WM111).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX
from waymark_compiler.lower.lambda_values import OwnLines
from waymark_compiler.lower.placing import Placing, fresh, place
from waymark_compiler.source import Source
from waymark_compiler.walk import walk

_BUILT = (cst.ListComp, cst.SetComp, cst.DictComp)
_OUT, _ITER = f"{TEMP_PREFIX}built", f"{TEMP_PREFIX}iterable"
_KEY, _VALUE = f"{TEMP_PREFIX}key", f"{TEMP_PREFIX}value"


def comprehension_functions(
    method: cst.FunctionDef, taken: set[str], source: Source
) -> cst.FunctionDef:
    """`method` with each comprehension of its own body that makes a lambda run as a local
    function defined before its statement."""
    found = _Found()
    walk(method, found)
    if not found.comprehensions:
        return method
    made = method.visit(_Rewrite(found.comprehensions, taken, source))
    assert isinstance(made, cst.FunctionDef)
    return made


class _Found(OwnLines):
    """The outermost comprehensions of the method's own simple statements making a lambda."""

    def __init__(self) -> None:
        super().__init__()
        self.comprehensions: set[int] = set()

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False  # (a comprehension in a lambda's body is the lambda's)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _BUILT) and self.lines and _makes_lambdas(node):
            self.comprehensions.add(id(node))
            return False
        return super().on_visit(node)


def _makes_lambdas(node: cst.CSTNode) -> bool:
    kinds: set[type] = set()

    class _Kinds(cst.CSTVisitor):
        def on_visit(self, inner: cst.CSTNode) -> bool:
            kinds.add(type(inner))
            return not isinstance(inner, cst.FunctionDef)

    walk(node, _Kinds())
    return cst.Lambda in kinds and not kinds & {cst.Await, cst.NamedExpr, cst.Yield}


class _Rewrite(Placing):
    def __init__(self, comprehensions: set[int], taken: set[str], source: Source) -> None:
        super().__init__(source)
        self.comprehensions = comprehensions
        self.taken = taken
        self.defined: list[cst.FunctionDef] = []

    def leave_ListComp(self, original: cst.ListComp, updated: cst.ListComp) -> cst.BaseExpression:
        return self._call(original, updated, cst.List([]), _added(updated.elt, "append"))

    def leave_SetComp(self, original: cst.SetComp, updated: cst.SetComp) -> cst.BaseExpression:
        empty = cst.Call(func=cst.Name("set"))
        return self._call(original, updated, empty, _added(updated.elt, "add"))

    def leave_DictComp(self, original: cst.DictComp, updated: cst.DictComp) -> cst.BaseExpression:
        key, value = cst.Name(_KEY), cst.Name(_VALUE)
        store = cst.Assign(
            targets=[cst.AssignTarget(cst.Subscript(cst.Name(_OUT), [_index(key)]))], value=value
        )
        body: list[cst.BaseStatement] = [
            _assign(key, updated.key), _assign(value, updated.value), _line(store)
        ]  # fmt: skip
        return self._call(original, updated, cst.Dict([]), body)

    def _call(
        self,
        original: cst.ListComp | cst.SetComp | cst.DictComp,
        updated: cst.ListComp | cst.SetComp | cst.DictComp,
        empty: cst.BaseExpression,
        body: list[cst.BaseStatement],
    ) -> cst.BaseExpression:
        if id(original) not in self.comprehensions:
            return updated
        loops, first = _loops(updated.for_in)
        for loop in reversed(loops):
            body = [_nest(loop, body)]
        name = fresh(f"{TEMP_PREFIX}comprehension", self.taken)
        self.source.hidden.update((name, _OUT, _ITER, _KEY, _VALUE))
        statements = [_assign(cst.Name(_OUT), empty), *body,
                      _line(cst.Return(cst.Name(_OUT)))]  # fmt: skip
        params = cst.Parameters(params=[cst.Param(cst.Name(_ITER))])
        function = cst.FunctionDef(cst.Name(name), params, cst.IndentedBlock(statements))
        place(self.source, function, original)
        self.defined.append(function)
        return cst.Call(func=cst.Name(name), args=[cst.Arg(first)])

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not self.defined:
            return updated
        made, self.defined = self.defined, []
        return cst.FlattenSentinel([*made, updated])


def _loops(
    clause: cst.CompFor,
) -> tuple[list[tuple[cst.BaseAssignTargetExpression, cst.BaseExpression, list[cst.CompIf]]],
           cst.BaseExpression]:  # fmt: skip
    """The `for` clauses (the first iterates the parameter) and the first iterable."""
    loops = []
    current: cst.CompFor | None = clause
    iterable: cst.BaseExpression = cst.Name(_ITER)
    first = clause.iter
    while current is not None:
        loops.append((current.target, iterable, list(current.ifs)))
        current = current.inner_for_in
        iterable = current.iter if current is not None else iterable
    return loops, first


def _nest(
    loop: tuple[cst.BaseAssignTargetExpression, cst.BaseExpression, list[cst.CompIf]],
    body: list[cst.BaseStatement],
) -> cst.BaseStatement:
    target, iterable, ifs = loop
    for condition in reversed(ifs):
        body = [cst.If(test=condition.test, body=cst.IndentedBlock(body))]
    return cst.For(target=target, iter=iterable, body=cst.IndentedBlock(body))


def _added(element: cst.BaseExpression, method: str) -> list[cst.BaseStatement]:
    value = cst.Name(_VALUE)
    add = cst.Call(func=cst.Attribute(cst.Name(_OUT), cst.Name(method)), args=[cst.Arg(value)])
    return [_assign(value, element), _line(cst.Expr(add))]


def _assign(target: cst.Name, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    if isinstance(value, cst.Lambda):  # `x = lambda: i`, without the parentheses it had
        value = value.with_changes(lpar=[], rpar=[])
    return _line(cst.Assign(targets=[cst.AssignTarget(target)], value=value))


def _line(small: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(body=[small])


def _index(key: cst.BaseExpression) -> cst.SubscriptElement:
    return cst.SubscriptElement(cst.Index(key))
