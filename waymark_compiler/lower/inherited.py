"""The methods of a workflow's class chain, with `super().name(...)` bound to the method it means.

A class and its single bases (of its module or another module of the user's) form a chain
(`class_chain`); a method name takes the first definition along it, as Python's
lookup does. `super().name(...)` in a method of
chain class `i` calls the first definition of `name` in the classes after `i`: the method
itself when no class before it overrides it, else that definition compiled as a helper of its
own (`render_Base`). Calls are rewritten on the syntax tree before lowering, every node made
taking the position of the one it replaces; `super()` anywhere else stays refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from waymark_compiler.finder import compiled_with
from waymark_compiler.lower.placing import Placing, fresh, place
from waymark_compiler.namespace import Namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.source import Source
from waymark_compiler.symbols import ClassSym
from waymark_compiler.walk import parts


def class_chain(
    node: cst.ClassDef, namespace: Namespace, resolver: Resolver
) -> list[tuple[cst.ClassDef, Namespace]]:
    """The class, then its base class when that is its only base and is a class of the
    user's code (of this module or another), and so on (a single chain, as Python's lookup
    walks it), each with the namespace of its module."""
    chain: list[tuple[cst.ClassDef, Namespace]] = []
    current: tuple[cst.ClassDef, Namespace] | None = (node, namespace)
    while current is not None and all(current[0] is not cls for cls, _ in chain):
        chain.append(current)
        current = _user_base(*current, resolver)
    return chain


def _user_base(
    node: cst.ClassDef, namespace: Namespace, resolver: Resolver
) -> tuple[cst.ClassDef, Namespace] | None:
    """The only base class, when it is a top-level class of the workflow's module or of
    another module of the user's code; else None."""
    bases = [b.value for b in node.bases if b.keyword is None]
    if len(bases) != 1 or not isinstance(bases[0], cst.Name | cst.Attribute):
        return None
    symbol = resolver.at(namespace).expression(bases[0])
    if not isinstance(symbol, ClassSym) or symbol.node is None or symbol.namespace is None:
        return None
    if not compiled_with(symbol.namespace, namespace.module):
        return None
    return symbol.node, symbol.namespace


def chain_methods(
    classes: Sequence[tuple[cst.ClassDef, Source]],
) -> list[tuple[cst.FunctionDef, int, str]]:
    """The methods of the chain (the first definition of a name wins), then the overridden
    definitions that `super()` calls reach, as helpers; each with the index of its class (a
    base may be of another module: its methods are compiled in their own) and the name it has
    there (an overridden one's helper is renamed)."""
    defined = [
        {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        for cls, _ in classes
    ]
    winners: dict[str, tuple[int, cst.FunctionDef, str]] = {}
    for index, methods in enumerate(defined):
        for name, method in methods.items():
            winners.setdefault(name, (index, method, name))
    taken = set(winners)
    renamed: dict[tuple[int, str], str] = {}
    queue = list(winners.values())
    out: list[tuple[cst.FunctionDef, int, str]] = []
    while queue:
        index, method, own_name = queue.pop(0)
        source = classes[index][1]

        def target(name: str, after: int = index) -> str | None:
            """The helper `super().name` means in a method of class `after`."""
            owner = next((j for j in range(after + 1, len(defined)) if name in defined[j]), None)
            if owner is None:
                return None
            if winners[name][0] == owner:
                return name
            key = (owner, name)
            if key not in renamed:
                renamed[key] = fresh(f"{name}_{classes[owner][0].name.value}", taken)
                base = defined[owner][name]
                helper = base.with_changes(name=cst.Name(renamed[key]))
                place(classes[owner][1], helper, base)
                queue.append((owner, helper, name))
            return renamed[key]

        out.append((_bound(method, target, source), index, own_name))
    return out


_Target = Callable[[str], str | None]  # the helper `super().name` means, by `name`


def _bound(method: cst.FunctionDef, target: _Target, source: Source) -> cst.FunctionDef:
    every = [*method.params.posonly_params, *method.params.params]
    if not every or "super" not in source.text or not _calls_super(method.body):
        return method  # (a file that never says `super` is not walked)
    rewritten = method.visit(_Super(every[0].name.value, target, source))
    assert isinstance(rewritten, cst.FunctionDef)
    return rewritten


def _calls_super(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Name) and node.value == "super":
        return True
    return any(_calls_super(child) for child in parts(node))


class _Super(Placing):
    """`super().name(...)` as `self.<helper>(...)`."""

    def __init__(self, self_name: str, target: _Target, source: Source) -> None:
        super().__init__(source)
        self.self_name = self_name
        self.target = target

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        made = updated.value
        if not (
            isinstance(made, cst.Call)
            and isinstance(made.func, cst.Name)
            and made.func.value == "super"
            and not made.args
        ):
            return updated
        helper = self.target(original.attr.value)
        if helper is None:
            return updated
        return cst.Attribute(value=cst.Name(self.self_name), attr=cst.Name(helper))
