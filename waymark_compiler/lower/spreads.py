"""Spellings of a `gather` spread besides a comprehension written in place: a list of calls
built earlier (`task_lists`: `tasks.append(fetch(p))` in a loop, or `tasks = [fetch(p) for p
in pages]`, then `asyncio.gather(*tasks)`), and `*map(action, xs)` (`mapped_spread`).

Python makes a coroutine of each call in such a list and starts them all at the gather. A
workflow's list holds each call's arguments instead, evaluated where Python evaluates them
(at the call), and the gather spreads one call per item. A name is such a list when every
use of it in the function is one of `T = []`, `T = [call for ...]` (or a generator),
`T.append(call)`, `T.extend(call for ...)`, `len(T)`, a test of `T` (`if T:`, `... if T else ...`, `not T`) and
`*T` in `asyncio.gather` — so no one sees the calls as values — and every call is of the same
action, child workflow or async helper, with the same keywords.

A dict of calls by key is such a list too (`tasks = {u.id: fetch(u) for u in users}`, or
`tasks = {}` then `tasks[u.id] = fetch(u)`, gathered as `*tasks.values()`): its keys are plain
values, so besides those uses the function may read them (`tasks.keys()`, `for k in tasks`,
`k in tasks`, `zip(tasks, results)`, `list(tasks)`, `sorted(tasks)`), never its values.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from waymark_compiler.context import Ctx, TaskList
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.started import starts_task
from waymark_compiler.rules.operations import GATHER_FORM
from waymark_compiler.symbols import ActionSym, BuiltinSym, ClassSym, ExternalSym, KnownSym
from waymark_compiler.walk import walk
from waymark_runtime import ir

_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
GatheredCall = Callable[[cst.BaseExpression, Ctx], "ir.ActionCall | ir.CallAsyncHelper | None"]


def task_lists(body: cst.BaseSuite, ctx: Ctx) -> dict[int, TaskList]:
    """The task lists of a function body, by the id of each call put in one (what
    `deferred_call` lowers) and of each name spread by a gather (what `list_spread` lowers)."""
    uses = _Uses(ctx)
    walk(body, uses)
    found: dict[int, TaskList] = {}
    mixed = uses.lists & uses.mappings  # filled or spread as a list and as a dict
    refused = uses.disqualified | mixed | (uses.key_reads - uses.mappings)
    for name in uses.spread - refused:
        calls = uses.calls.get(name, [])
        if (
            not uses.assigned.get(name)
            or not _alike(calls, ctx)
            or any(starts_task(call, ctx) for call in calls)
        ):
            continue  # (a list of started tasks is a list of handles: `lower.started`)
        tasks = TaskList(name, tuple(calls), mapping=name in uses.mappings)
        for node in (*calls, *uses.spreads[name]):
            found[id(node)] = tasks
    return found


class _Uses(cst.CSTVisitor):
    """Every use of each name, sorted into the ones a task list allows and the rest."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.stack: list[cst.CSTNode] = []
        self.spread: set[str] = set()
        self.spreads: dict[str, list[cst.Name | cst.Call]] = {}  # `*tasks`, `*tasks.values()`
        self.assigned: dict[str, bool] = {}
        self.calls: dict[str, list[cst.Call]] = {}
        self.disqualified: set[str] = set()
        self.lists: set[str] = set()  # filled or spread as a list
        self.mappings: set[str] = set()  # filled or spread as a dict
        self.key_reads: set[str] = set()  # uses that read a dict's keys only

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)  # exact types: libcst's abstract isinstance is slow per node
        if kind in _SCOPES and self.stack:
            return False  # a scope of its own
        self.stack.append(node)
        if kind is cst.Name:
            self._use(node)  # type: ignore[arg-type]
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self.stack and self.stack[-1] is original_node:
            self.stack.pop()

    def _use(self, node: cst.Name) -> None:
        name, parent = node.value, self._up(1)
        grand = self._up(2)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return  # `x.tasks`: an attribute, not the name
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return  # `f(tasks=...)`: a keyword
        if isinstance(parent, cst.AssignTarget) and isinstance(grand, cst.Assign):
            if len(grand.targets) == 1 and self._filled(name, grand.value):
                return
        elif isinstance(parent, cst.AnnAssign) and parent.target is node:
            if parent.value is not None and self._filled(name, parent.value):
                return
        elif isinstance(parent, cst.Attribute) and parent.value is node:
            called = grand if isinstance(grand, cst.Call) and grand.func is parent else None
            if called is not None and (
                self._added(name, called) or self._dict_method(name, called)
            ):
                return
        elif isinstance(parent, cst.Subscript) and parent.value is node:
            if isinstance(grand, cst.AssignTarget) and self._stored(name, self._up(3)):
                return
        elif isinstance(parent, cst.Arg) and parent.keyword is None and isinstance(grand, cst.Call):
            symbol = self.ctx.symbol(grand.func)
            if parent.star == "*" and symbol == KnownSym("gather"):
                self.spread.add(name)
                self.lists.add(name)
                self.spreads.setdefault(name, []).append(node)
                return
            if not parent.star and symbol == BuiltinSym("len") and len(grand.args) == 1:
                return
            if not parent.star and _builtin_name(symbol) in _KEY_READERS:
                self.key_reads.add(name)
                return
        elif self._iterated(node, parent):
            self.key_reads.add(name)
            return
        elif (isinstance(parent, cst.If | cst.While | cst.IfExp) and parent.test is node) or (
            isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
        ):
            return
        self.disqualified.add(name)

    def _up(self, levels: int) -> cst.CSTNode | None:
        index = len(self.stack) - 1 - levels
        return self.stack[index] if index >= 0 else None

    def _filled(self, name: str, value: cst.BaseExpression) -> bool:
        """`name = []`, `name = [call for ...]`, `name = {}` or `name = {k: call for ...}`."""
        if isinstance(value, cst.List | cst.Dict) and not value.elements:
            self.assigned[name] = True
            (self.lists if isinstance(value, cst.List) else self.mappings).add(name)
            return True
        if isinstance(value, cst.ListComp | cst.GeneratorExp) and isinstance(value.elt, cst.Call):
            self.assigned[name] = True
            self.lists.add(name)
            self.calls.setdefault(name, []).append(value.elt)
            return True
        if isinstance(value, cst.DictComp) and isinstance(value.value, cst.Call):
            self.assigned[name] = True
            self.mappings.add(name)
            self.calls.setdefault(name, []).append(value.value)
            return True
        return False

    def _stored(self, name: str, assign: cst.CSTNode | None) -> bool:
        """`name[key] = call`: a dict of calls filled by key."""
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return False
        if not isinstance(assign.value, cst.Call):
            return False
        self.mappings.add(name)
        self.calls.setdefault(name, []).append(assign.value)
        return True

    def _dict_method(self, name: str, call: cst.Call) -> bool:
        """`*name.values()` spread by a gather, or `name.keys()`."""
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
        if call.args or method not in ("values", "keys"):
            return False
        self.mappings.add(name)
        if method == "keys":
            return True
        arg, gather = self._up(3), self._up(4)
        if not (isinstance(arg, cst.Arg) and arg.star == "*" and isinstance(gather, cst.Call)):
            return False
        if self.ctx.symbol(gather.func) != KnownSym("gather"):
            return False
        self.spread.add(name)
        self.spreads.setdefault(name, []).append(call)
        return True

    @staticmethod
    def _iterated(node: cst.Name, parent: cst.CSTNode | None) -> bool:
        """`for k in name`, `... for k in name` and `k in name`: its keys read."""
        if isinstance(parent, cst.For | cst.CompFor) and parent.iter is node:
            return True
        return (
            isinstance(parent, cst.ComparisonTarget)
            and parent.comparator is node
            and isinstance(parent.operator, cst.In | cst.NotIn)
        )

    def _added(self, name: str, call: cst.Call) -> bool:
        """`name.append(call)` or `name.extend(call for ...)`."""
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return False
        item = call.args[0].value
        if method == "extend" and isinstance(item, cst.ListComp | cst.GeneratorExp):
            item = item.elt
        elif method != "append":
            return False
        if not isinstance(item, cst.Call):
            return False
        self.calls.setdefault(name, []).append(item)
        return True


# Builtins that read only the keys of a dict given them.
_KEY_READERS = frozenset({"list", "sorted", "set", "tuple", "zip", "enumerate"})


def _builtin_name(symbol: object) -> str | None:
    """`sorted` (a pure builtin) or `list` (a builtin type): the builtin's name."""
    if isinstance(symbol, BuiltinSym):
        return symbol.name
    if isinstance(symbol, ClassSym) and symbol.path.startswith("builtins:"):
        return symbol.path.removeprefix("builtins:")
    return None


def _alike(calls: list[cst.Call], ctx: Ctx) -> bool:
    """Can a list keep these calls? They must call one function with one shape (the gather
    spreads the first one's); a call that differs is refused (WM130)."""
    if not calls:
        return False
    shapes = [_shape(call, ctx) for call in calls]
    if None in shapes:
        return False
    odd = next(
        (call for call, shape in zip(calls, shapes, strict=True) if shape != shapes[0]), None
    )
    if odd is not None:  # still a task list: this is the one error its calls get
        help = ("gather each action from a list of its own, and give every call in a list the "
                "same keywords in the same order")  # fmt: skip
        message = (f"the calls in a list for `asyncio.gather` differ: `{ctx.code(calls[0])}` "
                   f"and `{ctx.code(odd)}`")  # fmt: skip
        ctx.error(GATHER_FORM, odd, message, "called differently", help)
    return True


def _shape(call: cst.Call, ctx: Ctx) -> tuple[str, int, tuple[str, ...]] | None:
    """The called function, the number of positional arguments and the keywords; None for a
    call a list cannot keep (stars; `self.run_action`, `asyncio.wait_for`: await them in a
    helper and gather that)."""
    if any(arg.star for arg in call.args):
        return None
    func = ctx.code(call.func)
    if func.endswith(".run_action") or ctx.symbol(call.func) == KnownSym("wait_for"):
        return None
    positional = sum(1 for arg in call.args if arg.keyword is None)
    keywords = tuple(arg.keyword.value for arg in call.args if arg.keyword is not None)
    return _COMPUTED if is_computed(call.func, ctx) else func, positional, keywords


# The shape's function of a call whose callee is computed (`TOOLS[name](x)`): the list keeps
# each call's callee with its arguments, so such calls are alike whatever picks the function.
_COMPUTED = "(computed)"


def deferred_call(node: cst.Call, ctx: Ctx) -> ir.Expr | None:
    """A call put in a task list: its arguments, evaluated now, as one tuple (None when `node`
    is not one)."""
    if id(node) not in ctx.task_lists:
        return None
    callee = (lower_expr(node.func, ctx),) if is_computed(node.func, ctx) else ()
    args, kwargs = lower_arguments(node.args, ctx)
    values = (*callee, *args, *(keyword.value for keyword in kwargs))
    return ir.TupleExpr(elts=values, span=ctx.span(node))


def list_spread(node: cst.BaseExpression, gathered: GatheredCall, ctx: Ctx) -> ir.Spread | None:
    """`*tasks` of a task list: the list's first call with each argument read from an item."""
    tasks = ctx.task_lists.get(id(node))
    if tasks is None:
        return None
    sample, span = tasks.calls[0], ctx.span(node)
    parts = [arg.value for arg in sample.args]
    if is_computed(sample.func, ctx):  # each item keeps its callee first (`deferred_call`)
        parts.insert(0, sample.func)
    names = [ir.Name(id=ctx.temp(), span=span) for _ in parts]
    for part, name in zip(parts, names, strict=True):
        ctx.replaced[id(part)] = name
    try:
        call = gathered(sample, ctx)
    finally:
        for part in parts:
            del ctx.replaced[id(part)]
    if call is None:
        return None
    target: ir.Target = (
        ir.TupleExpr(elts=tuple(names), span=span) if names else ir.Name(id=ctx.temp(), span=span)
    )
    source: ir.Expr = ir.Name(id=tasks.name, span=span)
    if tasks.mapping:
        source = ir.MethodCall(obj=source, method="values", args=(), kwargs=(), span=span)
    generator = ir.Generator(target=target, iter=source, ifs=(), span=span)
    return ir.Spread(call=call, generators=(generator,), span=span)


def mapped_spread(node: cst.BaseExpression, ctx: Ctx) -> ir.Spread | None:
    """`*map(fetch, pages)` (or `*map(send, users, texts)`): one call of the action per item,
    as `*[fetch(p) for p in pages]`."""
    if not isinstance(node, cst.Call) or ctx.symbol(node.func) != ExternalSym("builtins.map"):
        return None
    args = node.args
    if len(args) < 2 or any(a.keyword is not None or a.star for a in args):
        return None
    action = ctx.symbol(args[0].value)
    if not isinstance(action, ActionSym):
        return None
    span = ctx.span(node)
    names = tuple(ir.Name(id=ctx.temp(), span=span) for _ in args[1:])
    sources = tuple(lower_expr(a.value, ctx) for a in args[1:])
    if len(sources) == 1:
        target: ir.Target = names[0]
        iterable = sources[0]
    else:
        target = ir.TupleExpr(elts=names, span=span)
        iterable = ir.Call(func="zip", args=sources, kwargs=(), span=span)
    generator = ir.Generator(target=target, iter=iterable, ifs=(), span=span)
    call = ir.ActionCall(action=action.path, args=names, kwargs=(), span=span)
    return ir.Spread(call=call, generators=(generator,), span=span)
