"""The state the lowering phase threads through one function: where names live, how to report.

`Ctx` answers "is this name local?", "what global does this dotted name denote?", hands out
temporary names, and turns a libcst node plus a rule code into a diagnostic. It lowers nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from waymark_compiler.diagnostics import Sink
from waymark_compiler.finder import compiled_with
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.rule import Rule
from waymark_compiler.source import Source
from waymark_compiler.symbols import ClassSym, ConstSym, FunctionSym, Symbol
from waymark_runtime import ir

if TYPE_CHECKING:
    from waymark_compiler.lower.properties import Properties

TEMP_PREFIX = "_wm_"


def method_key(name: str) -> str:
    """How `Properties` files a method `name` apart from a property of that name: `name()`."""
    return f"{name}()"


PLACEHOLDER = ir.Const(value=None)


@dataclass(frozen=True, slots=True)
class Setting:
    """A constant that `self.<name>` reads, and the source of the module it is written in: a
    display of more than MAX_DISPLAY_ITEMS items is counted there (`Source.items`), whichever
    module the workflow that inherits it is in. `constant` is False for a class attribute or
    `__init__` assignment of another value, which `self.<name>` may not read."""

    value: cst.BaseExpression
    source: Source
    constant: bool = True


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """The method being lowered: its name, the name of `self`, and its local names;
    `on_class`: a `@classmethod`, whose `self_name` (`cls`) is the class, not an instance."""

    name: str
    self_name: str
    is_async: bool
    locals: frozenset[str]
    node: cst.FunctionDef | None = field(default=None, compare=False)  # its definition
    on_class: bool = False


@dataclass(frozen=True, slots=True)
class ClassLevel:
    """What the workflow class (`path`) itself holds, which `cls.x` and `type(self).x` reach:
    its class-body constants (not `__init__`'s) and its `@staticmethod` and `@classmethod`
    helpers."""

    path: str
    config: Mapping[str, Setting] = field(default_factory=dict)
    helpers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TaskList:
    """A list `name` of calls that a gather spreads; `calls`: every call put in it, in order
    (`lower.spreads`)."""

    name: str
    calls: tuple[cst.Call, ...]
    mapping: bool = False  # a dict of calls by key, gathered as `*tasks.values()`


@dataclass(frozen=True, slots=True)
class LoopFrame:
    """A loop being lowered; `broke` is the temporary its `break`s set when it has an `else`."""

    broke: str | None


@dataclass(slots=True)
class StarClause:
    """An `except*` clause's body being lowered: the temporary a bare `raise` directly in it
    sets (it re-raises the part the clause was given) and the `except` depth of that body."""

    reraised: str
    depth: int


@dataclass(slots=True)
class FinallyFrame:
    """A `try` with a `finally` being lowered: how its body was left (`how`: 0 fell through,
    1 return, 2 break, 3 continue), the value being returned, and the loop depth it began at."""

    how: str
    value: str
    loops: int
    exits: set[int] = field(default_factory=set)


@dataclass(slots=True)
class ModuleFunctions:
    """The module-level functions of the workflow's module that its methods call, compiled as
    helpers of the workflow: each gets a helper name no method has (`chunk`, else `chunk_2`)
    when first called, and waits in `pending` to be compiled."""

    module: str
    taken: set[str]
    names: dict[str, str] = field(default_factory=dict)
    pending: list[FunctionSym] = field(default_factory=list)
    properties: Properties | None = None

    def fresh(self, base: str) -> str:
        """A helper name no method or other helper has: `base`, else `base_2`, ..."""
        name, count = base, 1
        while name in self.taken:
            count += 1
            name = f"{base}_{count}"
        self.taken.add(name)
        return name

    def property(self, attr: str) -> str | None:
        """The helper reading attribute `attr` of a value, when a known class has a property
        of that name (see `lower.properties`)."""
        return self._dispatching(attr, f"{attr}_property")

    def method(self, name: str) -> str | None:
        """The helper calling method `name` of a value, when a known class defines a plain
        method of that name (see `lower.properties`)."""
        return self._dispatching(method_key(name), f"{name}_method")

    def own_method(self, owner: str, short: str, name: str) -> str | None:
        """The helper compiled from method `name` of class `owner` (its path; `short`, its
        name), for `super().name(...)`; None when that class has no such method."""
        found = self.properties
        key = method_key(name)
        if found is None or all(
            p.owner.path != owner or p.static for p in found.found.get(key, ())
        ):  # (a static method is the class's function, not a method helper)
            return None
        self.method(name)  # compiled with the other methods of that name
        if (owner, name) not in found.own:
            found.own[owner, name] = self.fresh(f"{short}_{name}")
        return found.own[owner, name]

    def _dispatching(self, key: str, base: str) -> str | None:
        """The dispatching helper of what `properties` files under `key`, named after `base`
        and queued for compiling when first asked for."""
        found = self.properties
        if found is None or key not in found.found:
            return None
        if key not in found.helpers:
            found.helpers[key] = self.fresh(base)
            found.pending.append(key)
        return found.helpers[key]

    def helper(self, symbol: FunctionSym) -> str | None:
        """The helper name of `symbol`, or None when it cannot be one: decorated (but for a
        cache, `FunctionSym.cached`), nested, or defined outside the user's own code (the
        standard library, an installed package)."""
        namespace = symbol.namespace
        if symbol.node is None or namespace is None:
            return None
        if symbol.node.decorators and not symbol.cached:
            return None
        if not compiled_with(namespace, self.module):
            return None
        if symbol.path not in self.names:
            self.names[symbol.path] = self.fresh(symbol.node.name.value)
            self.pending.append(symbol)
        return self.names[symbol.path]


@dataclass(slots=True)
class Ctx:
    source: Source
    resolver: Resolver
    sink: Sink
    helpers: Mapping[str, bool]  # helper method name -> is async
    function: FunctionInfo
    comprehension_scopes: list[frozenset[str]] = field(default_factory=list)
    lambdas: int = 0  # how many of the comprehension scopes are a lambda's parameters
    handler_depth: int = 0
    # `except*` clause bodies being lowered (`lower.except_star`), innermost last
    star_clauses: list[StarClause] = field(default_factory=list)
    temp_count: int = 0
    # CST nodes already evaluated into a temporary (an await, or an operand read before one).
    replaced: dict[int, ir.Expr] = field(default_factory=dict)
    loops: list[LoopFrame] = field(default_factory=list)
    finals: list[FinallyFrame] = field(default_factory=list)
    # `try` bodies being lowered whose handlers catch `GeneratorExit` (bare, `BaseException`)
    closing: int = 0
    # `self.<name>` configuration of the class: constant expressions (see lower/config.py)
    config: Mapping[str, Setting] = field(default_factory=dict)
    owner: ClassLevel = field(default_factory=lambda: ClassLevel(""))
    functions: ModuleFunctions | None = None
    # compiling a method of this class, whose object is this parameter (`lower.properties`):
    # `super().name(...)` calls its base's method
    value_class: tuple[ClassSym, str] | None = None
    # Lists of calls a gather spreads (`tasks.append(act(x))` ... `gather(*tasks)`), by the id
    # of each call put in one and of each spread of one (`lower.spreads.task_lists`).
    task_lists: dict[int, TaskList] = field(default_factory=dict)
    # Calls made now and awaited later, by the id of each call and of its awaited name
    # (`lower.deferred`); None until the function is scanned.
    deferred: dict[int, cst.Call] | None = None
    # The names assigned a coroutine-making call, whose `await name` is refused, not a task's
    # join (`lower.started`); None until the function is scanned.
    coroutines: frozenset[str] | None = None
    # The names a started task is put in (`tasks = [asyncio.create_task(...) for ...]`), whose
    # gather joins the tasks (`lower.started`); None until the function is scanned.
    task_holders: frozenset[str] | None = None
    # Inside `async with asyncio.TaskGroup() as tg:` blocks: `tg` -> its token's local
    # (`lower.task_groups`).
    task_groups: dict[str, str] = field(default_factory=dict)
    # `async with asyncio.timeout(...) as cm:` blocks begun: `cm` -> its timer's local
    # (`lower.timeout_managers`).
    timeout_managers: dict[str, str] = field(default_factory=dict)
    # The locals only ever assigned classes, by the id of their function (`lower.class_locals`).
    class_locals: dict[int, frozenset[str]] = field(default_factory=dict)
    # The locals that hold a module-level table, by the id of their function
    # (`lower.table_aliases`).
    table_aliases: dict[int, dict[str, ConstSym]] = field(default_factory=dict)

    def span(self, node: cst.CSTNode) -> ir.Span:
        return self.source.span(node)

    def error(
        self, rule: Rule, node: cst.CSTNode, message: str, label: str, help: str | None = None
    ) -> ir.Const:
        """Report a diagnostic at `node`; returns a placeholder so lowering can continue."""
        self.sink.error(rule, self.span(node), message, label, help)
        return PLACEHOLDER

    def code(self, node: cst.CSTNode) -> str:
        return self.source.code(node)

    def is_local(self, name: str) -> bool:
        return name in self.function.locals or any(name in s for s in self.comprehension_scopes)

    def is_self(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value == self.function.self_name

    def reaches(self, name: str) -> bool:
        """Is `name` a helper that `self.name(...)` calls here? Through `cls` in a
        `@classmethod`, only the class-level ones (an instance method needs an instance)."""
        return name in self.helpers and (not self.function.on_class or name in self.owner.helpers)

    def temp(self) -> str:
        self.temp_count += 1
        return f"{TEMP_PREFIX}{self.temp_count}"

    def symbol(self, node: cst.BaseExpression) -> Symbol | None:
        """The global a dotted name denotes, or None when it starts at a local value or `self`."""
        root: cst.BaseExpression = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or self.is_local(root.value):
            return None
        if root.value in ("True", "False", "None"):
            return None  # keywords, never globals: `(None).x` is an attribute of a value
        return self.resolver.expression(node)

    @contextmanager
    def comprehension(self, names: Iterable[str], *, is_lambda: bool = False) -> Iterator[None]:
        self.comprehension_scopes.append(frozenset(names))
        self.lambdas += is_lambda
        try:
            yield
        finally:
            self.comprehension_scopes.pop()
            self.lambdas -= is_lambda

    @contextmanager
    def handler(self) -> Iterator[None]:
        self.handler_depth += 1
        try:
            yield
        finally:
            self.handler_depth -= 1


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """ "did you mean `x`?" for the closest candidate, or None."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.7)
    return f"did you mean `{close[0]}`?" if close else None
