"""Local variables that hold a class (`kind = type(item)`, `other = item.__class__`,
`level = Level`): bound only by plain assignments of class values in their function, so `is`
and `is not` between them are allowed (`kind is other`), as between classes named in the code.

A class is one object in the runtime as in Python (`interpreter.operators`), so its identity
is its equality; any other value a variable might hold keeps `is` refused (WM149).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.namespace import Assignment, Namespace, scan


def holds_class(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` a class value: `type(x)`, `x.__class__`, a class named in the code, a local
    variable that only ever holds one, or a conditional between such values?"""
    from waymark_compiler.lower.names import type_of  # (names lowers expressions)
    from waymark_compiler.lower.type_checks import names_classes

    if isinstance(node, cst.IfExp):
        return holds_class(node.body, ctx) and holds_class(node.orelse, ctx)
    if isinstance(node, cst.Name) and ctx.is_local(node.value):
        return node.value in _class_locals(ctx)
    if isinstance(node, cst.Tuple):
        return False
    return type_of(node, ctx) is not None or names_classes(node, ctx)


def _class_locals(ctx: Ctx) -> frozenset[str]:
    """The locals of the function being lowered that its every binding assigns a class (a
    parameter, a loop target, `+=`, an import or a nested `def` is another binding)."""
    function = ctx.function.node
    if function is None or ctx.comprehension_scopes:
        return frozenset()
    key = id(function)
    found = ctx.class_locals
    if key not in found:
        found[key] = frozenset()  # a variable assigned from itself is not known to hold one
        scope = Namespace(ctx.resolver.namespace.module, "", ctx.source)
        bindings = scan(scope, function.body.body).bindings
        params = {p.name.value for p in _parameters(function.params)}
        found[key] = frozenset(
            name
            for name, each in bindings.items()
            if name not in params
            and all(
                isinstance(b, Assignment) and b.value is not None and holds_class(b.value, ctx)
                for b in each
            )
        )
    return found[key]


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return [*params.posonly_params, *params.params, *params.kwonly_params, *star]
