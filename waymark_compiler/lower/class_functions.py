"""Static and class methods of the user's models, dataclasses, named tuples and enums, called on
the class (`Order.from_row(row)`, `Meter.unit()`, `Status.parse(text)`), compiled as helpers
of the workflow.

A `@staticmethod` is compiled as a function of its module. A `@classmethod` is compiled for
the class it is called on, its first parameter (`cls`) replaced by that class, so `cls(...)`
constructs it and `cls.RATE` reads its constant; one the class inherits from a base of the
same module is compiled for the class called on (`Sub.blank()` builds a `Sub`). The rewrite is
done on the syntax tree, every node it makes taking the position of the node it replaces. An
`async` one, one with other decorators, or one inherited from another module's class stays
refused where it is called (WM144).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.lower.inherited import class_chain
from waymark_compiler.lower.placing import Placing, place
from waymark_compiler.namespace import Namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.shapes import is_class_method, is_static_method
from waymark_compiler.source import Source
from waymark_compiler.symbols import ClassSym, FunctionSym

_VALUE_KINDS = frozenset({"model", "dataclass", "namedtuple", "enum", "plain"})


def class_level_function(owner: ClassSym, name: str, resolver: Resolver) -> FunctionSym | None:
    """The static or class method `name` of `owner` (its own, or the first one along its chain
    of bases in its module), as a function of its module, a class method's class put in for its
    first parameter; None for any other."""
    if owner.kind not in _VALUE_KINDS or owner.node is None or owner.namespace is None:
        return None
    node = _definition(owner.node, owner.namespace, name, resolver)
    if node is None or node.asynchronous is not None:
        return None
    source = owner.namespace.source
    made = node.with_changes(decorators=())
    if is_class_method(node):
        params = node.params
        if not params.params:
            return None
        made = made.with_changes(params=params.with_changes(params=params.params[1:]))
        replaced = made.visit(_ClassNamed(params.params[0].name.value, owner.name, source))
        assert isinstance(replaced, cst.FunctionDef)
        made = replaced
    elif not is_static_method(node):
        return None
    place(source, made, node)
    source.bound[made] = source.bound.get(node, frozenset())
    return FunctionSym(f"{owner.path}.{name}", False, made, owner.namespace)


def _definition(
    cls: cst.ClassDef, namespace: Namespace, name: str, resolver: Resolver
) -> cst.FunctionDef | None:
    for base, where in class_chain(cls, namespace, resolver):
        for statement in base.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                return statement if where.module == namespace.module else None
    return None


class _ClassNamed(Placing):
    """Every read of the class parameter (`cls`) as the class's own name."""

    def __init__(self, param: str, owner: str, source: Source) -> None:
        super().__init__(source)
        self.param = param
        self.owner = owner

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return cst.Name(self.owner) if original.value == self.param else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)  # `x.cls` keeps its attribute name
