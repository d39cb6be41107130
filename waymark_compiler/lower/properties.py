"""Properties and methods of the models, dataclasses, enums, named tuples, plain classes and
exception classes a workflow's module defines or imports.

A workflow reads `line.total` without knowing, when it is compiled, which class `line` is.
Each `@property` (also `functools.cached_property` and pydantic's `@computed_field`) of such a
class is compiled as a helper of the workflow taking the object (`Line_total(self)`), and a read
of an attribute of that name on a value becomes a call of one dispatching helper
(`total_property(value)`): the property of the first class the value is an instance of
(subclasses first), else the plain attribute (a field of another class). A property whose body
the workflow language cannot run is left out: on its class's instances the read stays a plain
attribute, which the runtime computes on a real object rebuilt from the value. A `__str__` or `__repr__` of such a class is compiled the same
way, and read where Python would call it: `str(x)`, `repr(x)` and f-string fields.

A plain method of a model, dataclass, named tuple, enum, plain class or exception class
(`sub.move(state, why)`, `severity.escalate()`, `error.limits()`) is compiled the
same way, the object its first parameter (`Subscription_move(self, state, why)`), and a call of
a method of that name that is not a pure method of a builtin value becomes a call of one
dispatching helper (`move_method(value, *args, **kwargs)`): the method of the first class the
value is an instance of, else the method call as written; `super().name(...)` in it calls the
base class's method helper. Its body is held to a helper's rules and, unlike a property's, is
never left out: what refuses it is reported at its own lines. A `@staticmethod` is filed the
same way (`Property.static`): called on an instance (`self.money(x)`), the dispatching helper
calls the class's static function (the helper `Rule.money(x)` calls) without the object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from waymark_compiler.context import method_key
from waymark_compiler.namespace import Namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.shapes import is_static_method
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir

_DECORATORS = frozenset(
    {"property", "cached_property", "functools.cached_property", "computed_field",
     "pydantic.computed_field"}
)  # fmt: skip
_KINDS = frozenset({"model", "dataclass", "enum", "namedtuple", "plain", "exception"})
_METHOD_KINDS = frozenset({"model", "dataclass", "namedtuple", "enum", "plain", "exception"})


@dataclass(frozen=True, slots=True)
class Property:
    owner: ClassSym
    node: cst.FunctionDef
    depth: int  # the owner's known ancestors: subclasses are tried first
    static: bool = False  # a `@staticmethod`, called on an instance (`self.money(x)`)


@dataclass(slots=True)
class Properties:
    """The properties found by attribute name, and the helpers compiled for them so far."""

    found: dict[str, list[Property]]  # a method by `method_key(name)`
    helpers: dict[str, str] = field(default_factory=dict)  # attribute -> dispatching helper
    # (class path, method name) -> the helper compiled from that class's method
    own: dict[tuple[str, str], str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)


# The last module's properties, by its namespace and finder (compared by identity): each
# workflow of a module needs them, and finding them resolves every name of the module, so a
# module of N workflows took N² lookups (400 workflows: 13 s).
_LAST: list[tuple[Namespace, object, dict[str, list[Property]]]] = []


def module_properties(namespace: Namespace, resolver: Resolver) -> Properties:
    """The properties and methods of the classes bound at the top of the workflow's module."""
    for seen_namespace, finder, found in _LAST:
        if seen_namespace is namespace and finder is resolver.finder:
            return Properties(found)
    found = _find(namespace, resolver)
    _LAST[:] = [(namespace, resolver.finder, found)]
    return Properties(found)


def _find(namespace: Namespace, resolver: Resolver) -> dict[str, list[Property]]:
    found: dict[str, list[Property]] = {}
    seen: set[str] = set()
    here = resolver.at(namespace)
    for name in namespace.bindings:
        owner = here.lookup(name)
        if not isinstance(owner, ClassSym) or owner.kind not in _KINDS or owner.path in seen:
            continue
        seen.add(owner.path)
        if owner.node is None or owner.namespace is None:
            continue
        depth = _depth(owner, resolver)
        for statement in owner.node.body.body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            if _is_property(statement):
                key = statement.name.value
            elif owner.kind in _METHOD_KINDS and _is_method(statement, owner.kind == "plain"):
                key = method_key(statement.name.value)
            elif owner.kind in _METHOD_KINDS and _is_static(statement):
                key = method_key(statement.name.value)
                found.setdefault(key, []).append(Property(owner, statement, depth, static=True))
                continue
            else:
                continue
            found.setdefault(key, []).append(Property(owner, statement, depth))
    for candidates in found.values():
        candidates.sort(key=lambda p: -p.depth)
    return found


def _is_property(node: cst.FunctionDef) -> bool:
    """A property, or a `__str__`/`__repr__` (read through `text_of`)."""
    if len(node.params.params) != 1:
        return False
    if node.name.value in TEXTS:
        return not node.decorators
    names = {_dotted(d.decorator) for d in node.decorators}
    return bool(names & _DECORATORS)


TEXTS = ("__str__", "__repr__")


def _is_method(node: cst.FunctionDef, plain: bool = False) -> bool:
    """A plain synchronous instance method: undecorated, taking the object first, not a
    special method (Python calls those, not the workflow) but a plain class's `__init__`,
    compiled so that what a workflow refuses in it is reported (`classes.call_ClassSym`)."""
    name = node.name.value
    special = name.startswith("__") and name.endswith("__") and not (plain and name == "__init__")
    plain = not node.decorators and node.asynchronous is None and not special
    return plain and bool(node.params.params or node.params.posonly_params)


def _is_static(node: cst.FunctionDef) -> bool:
    """A synchronous `@staticmethod`, which an instance calls as its class does."""
    return is_static_method(node) and node.asynchronous is None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Call):
        return _dotted(node.func)
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _depth(owner: ClassSym, resolver: Resolver, limit: int = 20) -> int:
    """How many known classes `owner` derives from (its first known base, and so on)."""
    depth, current = 0, owner
    while depth < limit and current.node is not None and current.namespace is not None:
        bases = [
            resolver.at(current.namespace).expression(arg.value)
            for arg in current.node.bases
            if arg.keyword is None
        ]
        known = next((b for b in bases if isinstance(b, ClassSym) and b.node is not None), None)
        if known is None:
            return depth
        depth, current = depth + 1, known
    return depth


def dispatcher(name: str, attr: str, helpers: list[tuple[str, str | None]]) -> ir.Function:
    """`name(obj)`: the helper of the first class (`module:QualName`) `obj` is an instance of,
    else `obj.attr` (for `__str__`, `obj` itself, which formats as it always does; for
    `__repr__`, `repr(obj)`) — also for a class whose property was left out (no helper), so
    that its base's compiled property does not answer for it."""
    obj = ir.Name(id="obj")
    fallback: ir.Expr = ir.Attribute(value=obj, attr=attr)
    if attr == "__str__":
        fallback = obj
    elif attr == "__repr__":
        fallback = ir.Call(func="repr", args=(obj,), kwargs=())
    cases: list[tuple[str, ir.Expr]] = []
    for index, (path, helper) in enumerate(helpers):
        if helper is None and all(later is None for _, later in helpers[index:]):
            break  # the fallback answers for it and all the rest
        answer = fallback if helper is None else ir.HelperCall(name=helper, args=(obj,), kwargs=())
        cases.append((path, answer))
    param = ir.Param(name="obj", default=None, keyword_only=False)
    body = _first_class(obj, cases, fallback)
    return ir.Function(name=name, params=(param,), body=body, is_async=False)


def method_dispatcher(name: str, method: str, helpers: list[tuple[str, str, bool]]) -> ir.Function:
    """`name(obj, *args, **kwargs)`: the method helper of the first class (`module:QualName`)
    `obj` is an instance of (a static method's without `obj`: `static`), else
    `obj.method(*args, **kwargs)` as written."""
    obj, args, kwargs = ir.Name(id="obj"), ir.Name(id="args"), ir.Name(id="kwargs")
    spread = (ir.Starred(value=args),)
    named = (ir.Keyword(name=None, value=kwargs),)
    cases: list[tuple[str, ir.Expr]] = [
        (path, ir.HelperCall(name=helper, args=spread if static else (obj, *spread), kwargs=named))
        for path, helper, static in helpers
    ]
    fallback = ir.MethodCall(obj=obj, method=method, args=spread, kwargs=named)
    body = _first_class(obj, cases, fallback)
    params = (
        ir.Param(name="obj"),
        ir.Param(name="args", star="*"),
        ir.Param(name="kwargs", star="**"),
    )
    return ir.Function(name=name, params=params, body=body, is_async=False)


def _first_class(
    obj: ir.Expr, cases: list[tuple[str, ir.Expr]], fallback: ir.Expr
) -> tuple[ir.Stmt, ...]:
    """A dispatcher's body: the answer of the first class (`module:QualName`) of `cases` that
    `obj` is an instance of, else `fallback`."""
    body: list[ir.Stmt] = []
    for path, answer in cases:
        test = ir.Call(func="isinstance", args=(obj, ir.TypeRef(type=path)), kwargs=())
        body.append(ir.If(test=test, body=(ir.Return(value=answer),), orelse=()))
    return (*body, ir.Return(value=fallback))
