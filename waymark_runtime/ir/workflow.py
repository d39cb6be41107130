"""IR functions and workflows: `run()`, helper methods and the compiled workflow that holds them,
and `child_names`, the workflows a tree calls as children.

Data and trivial helpers only: it must not evaluate, print or store a program.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from waymark_runtime.ir.expressions import Expr
from waymark_runtime.ir.operations import ActionCall
from waymark_runtime.ir.span import Span, span_field
from waymark_runtime.ir.statements import Stmt

__all__ = [
    "Function", "Memo", "Param", "Workflow", "child_names",
]  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    """One parameter; `star` marks `*args` (`"*"`, the extra positional arguments as a tuple)
    and `**kwargs` (`"**"`, the extra keyword arguments as a dict)."""

    name: str
    default: Expr | None = None
    keyword_only: bool = False
    star: Literal["", "*", "**"] = ""
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Memo:
    """A function's `functools.cache` or `lru_cache`: results kept by arguments, as CPython
    keys them (`typed` keeps `f(1)` and `f(1.0)` apart), at most `maxsize` of them, the least
    recently used evicted first (None: no bound; 0: nothing kept)."""

    maxsize: int | None = None
    typed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Function:
    """`run()` or a helper method; `self` is implicit and not listed in `params`. `qualname` is
    the Python function's own (`Wf.helper`, `helper`, `Wf.run.<locals>.fmt`), which CPython's
    argument errors name, and `bound` says whether CPython counts a `self` or `cls` among its
    positional arguments (a method, a classmethod) or not (a module function, a staticmethod,
    a nested function); an empty `qualname` is a program compiled before either was kept.
    `closure` names the keyword-only parameters that carry a nested function's variables of
    the function it was defined in (the caller always passes them; CPython does not count them)."""

    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    is_async: bool = True
    qualname: str = ""
    bound: bool = True
    closure: tuple[str, ...] = ()
    module: str = ""
    """The module a function of another module than the workflow's was written in (its spans
    are lines of that module's file); empty for the workflow's own."""
    memo: Memo | None = None
    """A sync function's cache (`@functools.cache`, `@lru_cache`); None: each call runs it."""
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow:
    """One compiled workflow: its registry name, `run()` and its helper methods."""

    name: str
    run: Function
    helpers: tuple[Function, ...] = ()
    span: Span | None = span_field()

    def helper(self, name: str) -> Function:
        for function in self.helpers:
            if function.name == name:
                return function
        raise KeyError(name)


def child_names(node: object) -> set[str]:
    """The workflows an IR tree calls as children (`ir.ActionCall` with `child` set)."""
    found: set[str] = set()
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ActionCall) and item.child:
            found.add(item.action)
        if isinstance(item, tuple | list):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return found
