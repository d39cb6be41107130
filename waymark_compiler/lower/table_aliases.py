"""Local variables that hold a module-level table or one of its items (`words = WORDS`,
`limits = LIMITS[plan]`, `for rule in RULES:`): bound only by plain assignments of such reads
and by loops over them in their function, so
changing one (`words.append(w)`, `limits["seats"] = 5`) changes the module's object in
Python, which a workflow reads as a fresh copy. Such a change is refused as a change of the
table itself (`constants.changed_table`), where it would otherwise be lost without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.namespace import Assignment, Namespace, scan
from waymark_compiler.symbols import ConstSym
from waymark_compiler.walk import parts


def aliased_table(name: str, ctx: Ctx) -> ConstSym | None:
    """The table the local `name` holds (or holds an item of), when every binding of it in
    the function being lowered is a read of one; else None."""
    function = ctx.function.node
    if function is None or any(name in s for s in ctx.comprehension_scopes):
        return None
    key = id(function)
    if key not in ctx.table_aliases:
        found: dict[str, ConstSym] = {}  # filled in as aliases of aliases are found
        ctx.table_aliases[key] = found
        _find_aliases(function, found, ctx)
    return ctx.table_aliases[key].get(name)


def _find_aliases(function: cst.FunctionDef, found: dict[str, ConstSym], ctx: Ctx) -> None:
    """Fill `found` with the aliases of tables, to a fixed point (`again = words` after
    `words = WORDS`, in any order)."""
    from waymark_compiler.lower.constants import constant_table  # (it reads the aliases)

    scope = Namespace(ctx.resolver.namespace.module, "", ctx.source)
    bindings = scan(scope, function.body.body).bindings
    params = _parameters(function.params)
    loops = _loop_reads(function.body)
    changes = _in_place_changes(function.body)
    candidates = {
        name: [
            *(b.value for b in each if isinstance(b, Assignment) and _read(b.value)),
            *loops.get(name, ()),
        ]
        for name, each in bindings.items()
        if name not in params and each
    }
    pending = {
        name: reads
        for name, reads in candidates.items()
        if len(reads) + len(changes.get(name, ())) == len(bindings[name])
    }
    changed = True
    while changed:
        changed = False
        for name, reads in list(pending.items()):
            tables = [constant_table(read, ctx) for read in reads]
            first = tables[0] if tables else None
            if first is None or not all(t is not None for t in tables):
                continue
            operators = changes.get(name, ())
            if operators and not all(_in_place(first, read, operators) for read in reads):
                del pending[name]  # `stages += ...` of what is no list, dict or set: a new value
                continue
            found[name] = first
            del pending[name]
            changed = True


def _loop_reads(node: cst.CSTNode) -> dict[str, list[cst.BaseExpression]]:
    """For each name a `for` loop of the function binds to the items of what it reads
    (`for rule in RULES:`, `for limits in LIMITS.values():`), what the loop reads (`RULES`,
    `LIMITS`): an item of a table is the table's, as an alias of it is. Not inside nested
    functions, classes or lambdas, which have their own names."""
    found: dict[str, list[cst.BaseExpression]] = {}
    for child in parts(node):
        if isinstance(child, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        if isinstance(child, cst.For) and isinstance(child.target, cst.Name):
            source = child.iter
            if (
                isinstance(source, cst.Call)
                and isinstance(source.func, cst.Attribute)
                and source.func.attr.value == "values"
                and not source.args
            ):
                source = source.func.value  # `LIMITS.values()`: the items of `LIMITS`
            if _read(source):
                found.setdefault(child.target.value, []).append(source)
        for name, reads in _loop_reads(child).items():
            found.setdefault(name, []).extend(reads)
    return found


# The augmented assignments that change a list, dict or set in place (any other rebinds).
_IN_PLACE: dict[type[cst.BaseExpression], frozenset[type[cst.BaseAugOp]]] = {
    cst.List: frozenset({cst.AddAssign, cst.MultiplyAssign}),
    cst.Dict: frozenset({cst.BitOrAssign}),
    cst.Set: frozenset({cst.BitOrAssign, cst.SubtractAssign, cst.BitAndAssign, cst.BitXorAssign}),
}


def in_place_change(node: cst.AugAssign, ctx: Ctx) -> ConstSym | None:
    """The table `node` changes in place through a local that holds it (`stages += [...]`
    after `stages = STAGES`), else None."""
    target = node.target
    if not isinstance(target, cst.Name):
        return None
    return aliased_table(target.value, ctx) if ctx.is_local(target.value) else None


def _in_place(
    table: ConstSym, read: cst.BaseExpression, operators: Sequence[type[cst.BaseAugOp]]
) -> bool:
    """Does each of `operators` change the whole table `read` reads in place?"""
    changed = _IN_PLACE.get(type(table.value), frozenset())
    return isinstance(read, cst.Name) and all(op in changed for op in operators)


def _in_place_changes(node: cst.CSTNode) -> dict[str, list[type[cst.BaseAugOp]]]:
    """The operators of the augmented assignments to each name (`stages += [...]`)."""
    found: dict[str, list[type[cst.BaseAugOp]]] = {}
    for child in parts(node):
        if isinstance(child, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        if isinstance(child, cst.AugAssign) and isinstance(child.target, cst.Name):
            found.setdefault(child.target.value, []).append(type(child.operator))
        for name, operators in _in_place_changes(child).items():
            found.setdefault(name, []).extend(operators)
    return found


def _read(value: cst.BaseExpression | None) -> TypeGuard[cst.Name | cst.Subscript]:
    return isinstance(value, cst.Name | cst.Subscript)


def _parameters(params: cst.Parameters) -> set[str]:
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    every = [*params.posonly_params, *params.params, *params.kwonly_params, *star]
    return {p.name.value for p in every}
