"""Parse tree → IR for durable operations and their policies.

A Lark transformer mixin, one method per grammar rule: action, helper and child-workflow calls,
durable sleep, signal waits, `gather`, and the retry/backoff/timeout options of an action call.
It only builds IR, checking what the grammar cannot express (which policy options are repeated,
which `backoff` options are missing, integer `attempts`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lark import Token, Transformer, v_args

from waymark_runtime import ir
from waymark_runtime.wrl.build_expr import (
    EXPR_TYPES,
    NO_ARGS,
    Args,
    name_of,
    path_of,
    present,
    string_of,
    syntax_error,
)
from waymark_runtime.wrl.locations import span_of

# --- intermediate values that exist only while building ------------------------------------------


@dataclass(frozen=True, slots=True)
class GatherHead:
    return_exceptions: bool | ir.Expr
    timeout: ir.Expr | None = None
    groups: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class GatherItems:
    items: tuple[ir.ActionCall | ir.CallAsyncHelper | ir.Spread, ...]


@dataclass(frozen=True, slots=True)
class PolicyOption:
    name: str
    value: Any
    where: Any


@dataclass(frozen=True, slots=True)
class PlainTimeout:
    """`wait_for(seconds)`: a timeout that raises a plain `TimeoutError` (`asyncio.wait_for`)."""

    value: int | float | ir.Expr


OPERATION_TYPES = (
    ir.ActionCall,
    ir.Sleep,
    ir.CallAsyncHelper,
    ir.WaitForSignal,
    ir.Start,
    ir.Join,
    ir.Timer,
    ir.TaskGroup,
    ir.LeaveGroup,
    ir.WaitTasks,
    GatherHead,
)


@v_args(meta=True)
class OperationBuilder(Transformer[Token, Any]):
    """Builds durable operations and policies; mixed with `StmtBuilder`."""

    # --- durable operations -----------------------------------------------------------------------

    def awaited(self, meta: Any, children: list[Any]) -> ir.ActionCall:
        call: ir.ActionCall = children[0]
        return call

    def sleep(self, meta: Any, children: list[Any]) -> ir.Sleep:
        return ir.Sleep(seconds=children[0])

    def wait_signal(self, meta: Any, children: list[Any]) -> ir.WaitForSignal:
        name, type_text, timeout = children
        return ir.WaitForSignal(name=string_of(name), type=string_of(type_text), timeout=timeout)

    def await_helper(self, meta: Any, children: list[Any]) -> ir.CallAsyncHelper:
        args: Args = children[1] or NO_ARGS
        return ir.CallAsyncHelper(name=name_of(children[0]), args=args.args, kwargs=args.kwargs)

    gathered_helper = await_helper

    def start_task(self, meta: Any, children: list[Any]) -> ir.Start:
        call: ir.ActionCall | ir.CallAsyncHelper = children[0]
        return ir.Start(call=call)

    def start_in_group(self, meta: Any, children: list[Any]) -> ir.Start:
        return ir.Start(call=children[1], group=name_of(children[0]))

    def task_group(self, meta: Any, children: list[Any]) -> ir.TaskGroup:
        return ir.TaskGroup(name=name_of(children[0]))

    def leave_group(self, meta: Any, children: list[Any]) -> ir.LeaveGroup:
        return ir.LeaveGroup(name=name_of(children[0]), error=name_of(children[1]))

    def timer(self, meta: Any, children: list[Any]) -> ir.Timer:
        return ir.Timer(name=name_of(children[0]), seconds=children[1])

    def join_task(self, meta: Any, children: list[Any]) -> ir.Join:
        return ir.Join(task=children[0])

    def join_shielded(self, meta: Any, children: list[Any]) -> ir.Join:
        return ir.Join(task=children[0], shielded=True)

    def task_method(self, meta: Any, children: list[Any]) -> ir.Join:
        return ir.Join(task=children[0], method=name_of(children[1]))

    def wait_tasks(self, meta: Any, children: list[Any]) -> ir.WaitTasks:
        tasks, when, timeout, deadline = children
        return ir.WaitTasks(tasks=tasks, return_when=name_of(when), timeout=timeout,
                            deadline=None if deadline is None else name_of(deadline))  # fmt: skip

    def join_all(self, meta: Any, children: list[Any]) -> ir.Join:
        return ir.Join(task=children[0], many=True)

    def join_all_returning(self, meta: Any, children: list[Any]) -> ir.Join:
        return ir.Join(task=children[0], many=True, return_exceptions=True)

    def action_call(self, meta: Any, children: list[Any]) -> ir.ActionCall:
        path, args, retry, backoff, timeout = children
        call = self.computed_action_call(meta, [None, args, retry, backoff, timeout])
        return replace(call, action=path_of(path))

    def computed_action_call(self, meta: Any, children: list[Any]) -> ir.ActionCall:
        callee, args, retry, backoff, timeout = children
        args = args or NO_ARGS
        policy = None
        if (retry, backoff, timeout) != (None, None, None):
            plain = isinstance(timeout, PlainTimeout)
            if plain:
                timeout = timeout.value
            computed = isinstance(timeout, EXPR_TYPES)
            policy = ir.Policy(
                **(retry or {}),
                backoff=backoff,
                timeout=None if computed else timeout,
                timeout_expr=timeout if computed else None,
                plain_timeout=plain,
            )
        return ir.ActionCall(
            action="", args=args.args, kwargs=args.kwargs, policy=policy, callee=callee
        )

    def child_call(self, meta: Any, children: list[Any]) -> ir.ActionCall:
        token, args, detached = children
        name = string_of(token) if token.type == "STRING" else name_of(token)
        args = args or NO_ARGS
        if args.args:
            raise syntax_error(meta, "a child workflow takes keyword arguments only")
        return ir.ActionCall(action=name, args=(), kwargs=args.kwargs, child=True,
                             blocking=detached is None)  # fmt: skip

    def retry(self, meta: Any, children: list[Any]) -> dict[str, Any]:
        fields = {
            "attempts": "attempts",
            "on": "exception_types",
            "backoff_seconds": "backoff_seconds",
        }
        options = _options(present(children))
        if isinstance(options.get("attempts"), EXPR_TYPES):  # `attempts=(expr)`: computed
            fields["attempts"] = "attempts_expr"
        return {fields[name]: value for name, value in options.items()}

    def attempts(self, meta: Any, children: list[Any]) -> PolicyOption:
        if isinstance(children[0], EXPR_TYPES):
            return PolicyOption("attempts", children[0], meta)
        if not isinstance(children[0], int):
            raise syntax_error(meta, "`attempts` must be an integer")
        return PolicyOption("attempts", children[0], meta)

    def on(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("on", tuple(present(children)), meta)

    def backoff_seconds(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("backoff_seconds", children[0], meta)

    def backoff(self, meta: Any, children: list[Any]) -> ir.Backoff:
        options = _options(present(children))
        missing = [name for name in ("base", "multiplier", "jitter") if name not in options]
        if missing:
            raise syntax_error(meta, f"`backoff` needs `{missing[0]}=`")
        return ir.Backoff(
            base_delay=options["base"],
            multiplier=options["multiplier"],
            max_delay=options.get("max"),
            jitter=options["jitter"],
        )

    def base(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("base", children[0], meta)

    def multiplier(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("multiplier", children[0], meta)

    def max(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("max", children[0], meta)

    def jitter(self, meta: Any, children: list[Any]) -> PolicyOption:
        return PolicyOption("jitter", children[0], meta)

    def timeout(self, meta: Any, children: list[Any]) -> int | float | ir.Expr:
        value: int | float | ir.Expr = children[0]
        return value

    def plain_timeout(self, meta: Any, children: list[Any]) -> PlainTimeout:
        return PlainTimeout(children[0])

    def gather(self, meta: Any, children: list[Any]) -> GatherHead:
        flag, groups, timeout = children
        shape: tuple[int, ...] = groups or ()
        if flag is None or isinstance(flag, Token):
            return GatherHead(flag is not None and flag.type == "TRUE", timeout, shape)
        return GatherHead(flag, timeout, shape)

    def gather_groups(self, meta: Any, children: list[Any]) -> tuple[int, ...]:
        if not all(isinstance(size, int) and size >= -1 for size in children):
            raise syntax_error(meta, "`groups(...)` takes whole numbers of -1 or more")
        return tuple(children)

    def gather_items(self, meta: Any, children: list[Any]) -> GatherItems:
        return GatherItems(tuple(children))

    def gather_action(self, meta: Any, children: list[Any]) -> ir.ActionCall | ir.CallAsyncHelper:
        call: ir.ActionCall | ir.CallAsyncHelper = children[0]
        return replace(call, span=span_of(children[1]))

    def gather_spread(self, meta: Any, children: list[Any]) -> ir.Spread:
        call, clauses, location = children
        return ir.Spread(call=call, generators=clauses, span=span_of(location))


def _options(options: list[PolicyOption]) -> dict[str, Any]:
    """Policy options by name; each may be given once."""
    seen: dict[str, Any] = {}
    for option in options:
        if option.name in seen:
            raise syntax_error(option.where, f"`{option.name}` is given twice")
        seen[option.name] = option.value
    return seen
