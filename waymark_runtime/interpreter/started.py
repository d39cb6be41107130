"""Started tasks: `t = asyncio.ensure_future(fetch(x))` or `asyncio.create_task(self.enrich(x))`
runs the call as a task of its own, and `await t` joins it later (`ir.Start`, `ir.Join`).

A started call is a `tasks.Task` like a gathered helper's, with no parent waiting on it: its
node names it, the workflow holds a `TaskValue` of that node, and what it ends with (its result,
the very object its helper returned, or its exception, as JSON) is kept in `Machine.started` so
that every later `await t` gives the same again, as CPython's task does. A task that runs an action runs `_wm_start_<n>`, a function
made here that awaits the action with the arguments evaluated at the start: the action is
dispatched with its policy as any awaited call is (retries, timeout), and a restart resumes the
task where it waits like any other. It starts once the task that started it next suspends, as
CPython runs a new task only then, so actions are dispatched in CPython's order.

When `run()` returns while tasks still run, they are cancelled and the instance ends once they
have (`run_end`), as `asyncio.run` does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from waymark_runtime import ir
from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.calls import as_exception
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, Env, Frame
from waymark_runtime.interpreter.persisted import JoinWait, SavedStarted
from waymark_runtime.interpreter.tasks import Task
from waymark_runtime.values import ExceptionValue, exception_value, to_value
from waymark_runtime.values.callables import TaskValue
from waymark_runtime.values.structural import type_name

if TYPE_CHECKING:
    from waymark_runtime.interpreter.expressions import ExprCompiler
    from waymark_runtime.interpreter.machine import Machine
    from waymark_runtime.interpreter.state import StateEncoder
    from waymark_runtime.interpreter.state_decode import StateDecoder

# How a started task ended: `("ok", its result)` (the object itself) or `("error", its
# exception as JSON)`.
Outcome = tuple[Literal["ok", "error"], Any]
_PREFIX = "_wm_start_"
_ARGS, _KWARGS, _CALLEE, _RESULT = "_wm_args", "_wm_kwargs", "_wm_callee", "_wm_result"


# -- compiling ------------------------------------------------------------------------------------


def await_Start(op: ir.Start, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    """The site and request of `t = await start call`: the request gives the new task's frame."""
    from waymark_runtime.interpreter.operations import helper_frame  # (it imports this module)

    call = op.call
    request = helper_frame(call, exprs) if isinstance(call, ir.CallAsyncHelper) else None
    if request is None:
        assert isinstance(call, ir.ActionCall)
        request = _action_task(call, exprs)
    return AwaitSite(kind="start", assign=assign), request


def await_Join(op: ir.Join, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    task = exprs.compile(op.task)
    if op.method is not None:
        from waymark_runtime.interpreter.task_methods import TaskMethod  # (it imports this)

        method = op.method
        return AwaitSite(kind="task", assign=assign), lambda env: TaskMethod(task(env), method)
    if op.shielded:
        return AwaitSite(kind="join", assign=assign), lambda env: Shielded(task(env))
    if not op.many:
        return AwaitSite(kind="join", assign=assign), task
    returning = op.return_exceptions
    return AwaitSite(kind="join", assign=assign), lambda env: Joining(tuple(task(env)), returning)


@dataclass(frozen=True, slots=True)
class Joining:
    """What `await asyncio.gather(*tasks)` of handles joins: the handles, in order."""

    handles: tuple[Any, ...]
    return_exceptions: bool


@dataclass(frozen=True, slots=True)
class Shielded:
    """What `await asyncio.shield(t)` joins: the handle, whose task a cancel of the waiter
    leaves running."""

    handle: Any


def _action_task(call: ir.ActionCall, exprs: ExprCompiler) -> Any:
    """The frame of a task that awaits `call`: `_wm_start_<n>(args, kwargs[, callee])`, its
    arguments (and computed callee, first) evaluated where the task is started."""
    from waymark_runtime.interpreter.statements import FunctionCompiler  # (it compiles sites)

    policy = call.policy
    if policy is not None and (policy.attempts_expr or policy.timeout_expr) is not None:
        raise ProgramError("a started action's retry or timeout must be a constant")
    functions = exprs.functions
    name = f"{_PREFIX}{sum(1 for known in functions if known.startswith(_PREFIX))}"
    computed = call.callee is not None
    params = (_ARGS, _KWARGS, *((_CALLEE,) if computed else ()))
    awaited = replace(call, args=(ir.Starred(value=ir.Name(id=_ARGS)),),
                      kwargs=(ir.Keyword(name=None, value=ir.Name(id=_KWARGS)),),
                      callee=ir.Name(id=_CALLEE) if computed else None)  # fmt: skip
    body: tuple[ir.Stmt, ...] = (
        ir.Await(target=ir.Name(id=_RESULT), op=awaited, span=call.span),
        ir.Return(value=ir.Name(id=_RESULT), span=call.span),
    )
    function = ir.Function(name=name, params=tuple(ir.Param(name=p) for p in params),
                           body=body, qualname=name, bound=False)  # fmt: skip
    code = functions[name] = FunctionCompiler(function, exprs, {}).compile()
    arguments = exprs.arguments(call.args, call.kwargs)
    callee = exprs.compile(call.callee) if call.callee is not None else None

    def request(env: Env) -> Frame:
        target = callee(env) if callee is not None else None
        args, kwargs = arguments(env)
        locals_: Env = {_ARGS: tuple(args), _KWARGS: kwargs}
        if callee is not None:
            locals_[_CALLEE] = target
        return Frame(code, locals_)

    return request


# -- running --------------------------------------------------------------------------------------


def start(machine: Machine, site: AwaitSite, frame: Frame) -> tuple[None, TaskValue]:
    """Start `frame` as a task (run once the running task suspends); resume with its handle."""
    node = machine._node()
    task = Task(node, (*machine._path(), site.node or node), [frame])
    machine.tasks[node] = task
    machine.started[node] = None
    machine.ready.append((task, None, _NOTHING))
    return None, TaskValue(node)


def join(machine: Machine, handle: Any) -> tuple[ExceptionValue | None, Any] | None:
    """`await t` (or `asyncio.shield(t)`): the task's outcome now if it has ended, else wait
    for it (None)."""
    if type(handle) is Joining:
        return join_all(machine, handle)
    shielded = type(handle) is Shielded
    if shielded:
        handle = handle.handle
    if type(handle) is not TaskValue:
        error = TypeError(f"object {type_name(handle)} can't be used in 'await' expression")
        return exception_value(error), _NOTHING
    node = handle.path
    if node not in machine.started:
        unknown = RuntimeError(f"{handle!r} is not a task of this workflow")
        return exception_value(unknown), _NOTHING
    done = machine.started[node]
    if done is not None:
        return resumed(done)
    machine.wait = JoinWait(node=node, shielded=shielded)
    return None


def join_all(machine: Machine, joining: Joining) -> tuple[ExceptionValue | None, Any] | None:
    """`await asyncio.gather(*tasks)` of handles: their outcomes now if they have ended (or one
    failed, without `return_exceptions`), else wait for them (None)."""
    nodes = []
    for handle in joining.handles:
        if type(handle) is not TaskValue:
            required = TypeError("An asyncio.Future, a coroutine or an awaitable is required")
            return exception_value(required), _NOTHING
        if handle.path not in machine.started:
            unknown = RuntimeError(f"{handle!r} is not a task of this workflow")
            return exception_value(unknown), _NOTHING
        nodes.append(handle.path)
    wait = JoinWait(node="", nodes=tuple(nodes), return_exceptions=joining.return_exceptions)
    failed = None if wait.return_exceptions else _failed(machine, nodes)
    if failed is not None:
        return resumed(failed)
    gathered = _gathered(machine, wait)
    if isinstance(gathered, JoinWait):
        machine.wait = gathered
        return None
    return gathered


def _failed(machine: Machine, nodes: list[str] | tuple[str, ...]) -> Outcome | None:
    """The first of `nodes` (in order) that ended with an exception."""
    ended = (machine.started[node] for node in nodes)
    return next((done for done in ended if done is not None and done[0] == "error"), None)


def _gathered(machine: Machine, wait: JoinWait) -> JoinWait | tuple[ExceptionValue | None, Any]:
    """The results of `wait.nodes` once all have ended; else the wait on the first running."""
    outcomes = [machine.started[node] for node in wait.nodes]
    running = next(
        (node for node, done in zip(wait.nodes, outcomes, strict=True) if done is None), None
    )
    if running is not None:
        return replace(wait, node=running)
    return None, [_result(done) for done in outcomes if done is not None]


def _result(outcome: Outcome) -> Any:
    """A task's result, or its exception as a value (a gather's `return_exceptions`)."""
    throw, value = resumed(outcome)
    return value if throw is None else throw


def settle(machine: Machine, task: Task, outcome: Outcome) -> None:
    """A started task ended with `outcome`: kept for every later join, and every task that
    waits to join it resumes with it (in the order they were started)."""
    from waymark_runtime.interpreter import task_groups  # (it imports this module)

    node = task.node or ""
    machine.started[node] = outcome
    machine._park()
    task_groups.settled(machine, node)  # its group hears of it first, as it asked first
    for waiting in list(machine.tasks.values()):
        wait = waiting.wait
        if type(wait) is JoinWait and wait.nodes and node in wait.nodes:
            _rejoin(machine, waiting, wait, node, outcome)
        elif type(wait) is JoinWait and wait.node == node:
            waiting.wait = None
            machine.moves += 1
            machine.ready.append((waiting, *resumed(outcome)))
    machine._enter(machine.main)  # (with no task left, events are the main stack's)


def _rejoin(machine: Machine, waiting: Task, wait: JoinWait, node: str, outcome: Outcome) -> None:
    """A task a gather of handles waits on ended: the gather resumes with its failure (without
    `return_exceptions`) or, once all have ended, with their results."""
    if wait.when:  # `asyncio.wait` of them
        from waymark_runtime.interpreter.waited import rejoin  # (it imports this module)

        rejoin(machine, waiting, wait, node)
        return
    failed = outcome[0] == "error" and not wait.return_exceptions
    ended = resumed(outcome) if failed else _gathered(machine, wait)
    if isinstance(ended, JoinWait):
        waiting.wait = ended
        return
    waiting.wait = None
    machine.moves += 1
    machine.ready.append((waiting, *ended))


def resumed(outcome: Outcome) -> tuple[ExceptionValue | None, Any]:
    status, value = outcome
    if status == "ok":
        return None, value
    return as_exception(to_value(value)), _NOTHING


def saved(started: dict[str, Outcome | None], encoder: StateEncoder) -> tuple[SavedStarted, ...]:
    """The started tasks, a result encoded with the state's other values (`encoder`), so that
    it is still the object the workflow holds under other names."""
    return tuple(
        SavedStarted(node=node, status="pending")
        if done is None
        else SavedStarted(
            node=node, status=done[0], value=encoder.encode(done[1]) if done[0] == "ok" else done[1]
        )
        for node, done in started.items()
    )


def loaded(saved: tuple[SavedStarted, ...], decoder: StateDecoder) -> dict[str, Outcome | None]:
    """The started tasks of `saved`, decoded in `saved`'s order (a state written before the
    results were encoded with the state's values decodes as well: as new objects)."""
    return {
        entry.node: None
        if entry.status == "pending"
        else (entry.status, decoder.decode(entry.value) if entry.status == "ok" else entry.value)
        for entry in saved
    }
