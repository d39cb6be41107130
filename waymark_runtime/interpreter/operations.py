"""Durable operations compiled to await sites: what an `await` asks the machine for.

One `await_<Operation>` per IR operation node builds the `AwaitSite` (how the result is assigned,
the policies it is dispatched with) and the request closure evaluated when the instance suspends.
It must not emit instructions or know pcs, labels or loops: `statements.FunctionCompiler` places
the suspension and completes the site with where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter import comprehensions, started, task_groups, timer_blocks
from waymark_runtime.interpreter.code import AwaitSite, ChildCall, Env, Frame
from waymark_runtime.interpreter.expressions import ExprCompiler
from waymark_runtime.interpreter.policies import compile_policy
from waymark_runtime.interpreter.waited import await_WaitTasks


def compile_operation(op: Any, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    """The site and request of awaiting `op`; `assign` binds its result (None: discarded)."""
    make = _MAKERS.get(type(op))
    if make is None:
        raise InternalError(f"the interpreter has no rule for operation node {type(op).__name__}")
    return make(op, assign, exprs)


def await_ActionCall(op: ir.ActionCall, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    one = _gather_item(0, op, exprs, gathered=False)

    def request(env: Env) -> list[tuple[Any, ...]]:
        calls: list[tuple[Any, ...]] = []
        one(env, calls)
        return calls

    site = AwaitSite(kind="actions", assign=assign, policies=(_policy_of(op),), single=True)
    return site, request


def await_Gather(op: ir.Gather, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    makers = [_gather_item(i, item, exprs) for i, item in enumerate(op.items)]
    policies = tuple(
        _policy_of(item.call if isinstance(item, ir.Spread) else item) for item in op.items
    )

    def request(env: Env) -> list[tuple[int, str, list[Any], dict[str, Any]]]:
        calls: list[tuple[int, str, list[Any], dict[str, Any]]] = []
        for make in makers:
            make(env, calls)
        return calls

    spreads = tuple(isinstance(item, ir.Spread) for item in op.items)
    flag = op.return_exceptions
    site = AwaitSite(kind="actions", assign=assign, policies=policies, spreads=spreads,
                     return_exceptions=flag is True,
                     flag=None if isinstance(flag, bool) else exprs.compile(flag),
                     deadline=None if op.timeout is None else exprs.compile(op.timeout),
                     groups=op.groups)  # fmt: skip
    return site, request


def _gather_item(
    index: int, item: Any, exprs: ExprCompiler, *, gathered: bool = True
) -> Callable[[Env, list[Any]], None]:
    call = item.call if isinstance(item, ir.Spread) else item
    if isinstance(call, ir.CallAsyncHelper):
        return _gathered_helper(index, item, call, exprs)
    target = _target(call, exprs, gathered)
    computed = compile_policy(call.policy, exprs.compile)
    if isinstance(item, ir.ActionCall) and computed is not None:

        def one_computed(env: Env, calls: list[Any]) -> None:
            calls.append((index, *target(env), computed(env)))

        return one_computed
    if isinstance(item, ir.ActionCall):

        def one(env: Env, calls: list[Any]) -> None:
            calls.append((index, *target(env)))

        return one
    clauses = comprehensions.compile_clauses(item.generators, exprs.compile, exprs.guards,
                                             item.call)  # fmt: skip
    meter = exprs.meter

    def spread(env: Env, calls: list[Any]) -> None:
        for scope in comprehensions.bindings(clauses, comprehensions.scope_of(env)):
            policy = () if computed is None else (computed(scope),)
            calls.append((index, *target(scope), *policy))
            if len(calls) > meter.items:
                raise meter.too_many_items(len(calls))

    return spread


def _target(
    call: ir.ActionCall, exprs: ExprCompiler, gathered: bool
) -> Callable[[Env], tuple[Any, ...]]:
    """`(path, args, kwargs)` of a call. A computed call's callee is evaluated first, then its
    arguments, as Python evaluates `f(x)`; it may also give `(frame,)`, an async helper's task
    (`calling.Functions.awaited`), which takes no policy."""
    arguments, action = exprs.arguments(call.args, call.kwargs), call.action
    if call.callee is None:
        return lambda env: (action, *arguments(env))
    callee, awaited, policy = exprs.compile(call.callee), exprs.values.awaited, call.policy

    def bound(env: Env) -> tuple[Any, ...]:
        function = callee(env)
        made = awaited(function, *arguments(env), gathered=gathered)
        if len(made) == 1 and policy is not None:
            raise TypeError(f"a policy applies to an action call, not to {function!r}")
        return made

    return bound


def _gathered_helper(
    index: int, item: Any, call: ir.CallAsyncHelper, exprs: ExprCompiler
) -> Callable[[Env, list[Any]], None]:
    """A helper call as a gather item: `(index, frame)`, the frame of the task it starts
    (its arguments bound here, so a bad call raises where the gather is awaited)."""
    start = helper_frame(call, exprs)
    if not isinstance(item, ir.Spread):
        return lambda env, calls: calls.append((index, start(env)))
    clauses = comprehensions.compile_clauses(item.generators, exprs.compile, exprs.guards,
                                             call)  # fmt: skip
    meter = exprs.meter

    def spread(env: Env, calls: list[Any]) -> None:
        for scope in comprehensions.bindings(clauses, comprehensions.scope_of(env)):
            calls.append((index, start(scope)))
            if len(calls) > meter.items:
                raise meter.too_many_items(len(calls))

    return spread


def helper_frame(op: ir.CallAsyncHelper, exprs: ExprCompiler) -> Callable[[Env], Frame]:
    """The frame of a call of async helper `op.name`, its arguments evaluated in `env`."""
    helper = exprs.helpers.get(op.name)
    if helper is None or not helper.is_async:
        raise ProgramError(f"`await self.{op.name}()` does not name an async helper method")
    return exprs.helper_call(op, helper, _task_frame)


def await_Sleep(op: ir.Sleep, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    return AwaitSite(kind="sleep", assign=assign), exprs.compile(op.seconds)


def await_WaitForSignal(
    op: ir.WaitForSignal, assign: Any, exprs: ExprCompiler
) -> tuple[AwaitSite, Any]:
    timeout = None if op.timeout is None else exprs.compile(op.timeout)
    name = op.name

    def request(env: Env) -> tuple[str, Any]:
        return name, None if timeout is None else timeout(env)

    return AwaitSite(kind="signal", assign=assign), request


def await_CallAsyncHelper(
    op: ir.CallAsyncHelper, assign: Any, exprs: ExprCompiler
) -> tuple[AwaitSite, Any]:
    return AwaitSite(kind="call", assign=assign), helper_frame(op, exprs)


def _policy_of(call: ir.ActionCall | ir.CallAsyncHelper) -> Any:
    """What the machine dispatches a call with: its policy, or a child workflow's marker
    (a helper call has none: it runs as a task, never dispatched)."""
    if isinstance(call, ir.CallAsyncHelper):
        return None
    return ChildCall(call.blocking) if call.child else call.policy


_MAKERS: dict[type, Callable[[Any, Any, ExprCompiler], tuple[AwaitSite, Any]]] = {
    ir.ActionCall: await_ActionCall,
    ir.Gather: await_Gather,
    ir.Sleep: await_Sleep,
    ir.WaitForSignal: await_WaitForSignal,
    ir.CallAsyncHelper: await_CallAsyncHelper,
    ir.Start: task_groups.await_Start,
    ir.TaskGroup: task_groups.await_TaskGroup,
    ir.LeaveGroup: task_groups.await_LeaveGroup,
    ir.Join: started.await_Join,
    ir.Timer: timer_blocks.await_Timer,
    ir.WaitTasks: await_WaitTasks,
}


def _task_frame(frame: Frame) -> Frame:
    """An awaited or gathered helper's frame is kept as is: the machine starts it as a task."""
    return frame
