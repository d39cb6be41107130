"""IR durable operations: what a workflow awaits (actions and their policies, `gather`, `sleep`,
async helpers, signal waits). Each is a point where an instance may wait.

Data only: it must not refer to statements; the interpreter and the engine give these meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from waymark_runtime.ir.expressions import Expr, Generator, Keyword
from waymark_runtime.ir.span import Span, span_field

__all__ = [
    "ActionCall",
    "Backoff",
    "CallAsyncHelper",
    "Gather",
    "Join",
    "LeaveGroup",
    "Operation",
    "Policy",
    "Sleep",
    "Spread",
    "Start",
    "TaskGroup",
    "Timer",
    "WaitForSignal",
    "WaitTasks",
]  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """`BackoffPolicy(base_delay, multiplier, max_delay, jitter)`, seconds; constants only."""

    base_delay: float
    multiplier: float
    max_delay: float | None
    jitter: float
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The `run_action` options.

    `attempts` is the total number of executions (None: the default, one execution for a raised
    exception). `exception_types` are class names matched against the exception's class and its
    bases (None: any exception but `ActionTimeout`). `timeout` is seconds per attempt.
    `attempts_expr` and `timeout_expr`, when set, are computed instead (the constant field is
    then None): evaluated when the action is dispatched, a timeout giving seconds or a
    `timedelta`. The other fields are constants. `plain_timeout`: the timeout is
    `asyncio.wait_for`'s, and raises a plain `TimeoutError` in the workflow when it passes
    (`ActionTimeout` otherwise).
    """

    attempts: int | None = None
    exception_types: tuple[str, ...] | None = None
    backoff_seconds: float | None = None
    backoff: Backoff | None = None
    timeout: float | None = None
    attempts_expr: Expr | None = None
    timeout_expr: Expr | None = None
    plain_timeout: bool = False
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionCall:
    """A call of an `@action`, by import path `module:qualname`, with an optional policy.

    With `child` set it is a child workflow call instead (`await Other().run(k=v)`): `action`
    is the workflow's name, arguments are keywords only, there is no policy, and `blocking`
    False starts a detached child whose result is its instance id.

    With `callee` set the call is computed (`await TOOLS[name](x)`): `callee` is evaluated
    when the call is made and must give an action value (`ActionRef`), an async helper
    (`HelperRef`, run as a task as `CallAsyncHelper` is) or a `functools.partial` of either,
    whose bound arguments come first; `action` is then ""."""

    action: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    policy: Policy | None = None
    child: bool = False
    blocking: bool = True
    callee: Expr | None = None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    """`*[call for target in iter if cond]` inside `asyncio.gather`: one call per element (an
    action, a child workflow or an async helper method)."""

    call: ActionCall | CallAsyncHelper
    generators: tuple[Generator, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Gather:
    """`asyncio.gather(...)`: every item's actions run concurrently; results in argument order.

    Without `return_exceptions`, the first failure (in completion order) propagates, as in Python.
    A flag that is an expression is evaluated once, after the items' arguments, for its truth.
    An async helper item runs as a task of its own, interleaved with the others at their awaits.
    `timeout` (seconds, evaluated after the flag; None: none) is `asyncio.wait_for`'s over the
    gather: a durable timer that, when it passes first, abandons the items still running and
    raises a plain `TimeoutError` at the await.

    `groups`, for `gather(gather(a(), b()), c())`: the items of gathers nested in this one are
    its first items (CPython starts them first: the inner gather makes their tasks when it is
    called, before the outer one wraps its own coroutines), then its own; a failure propagates
    as either gather would raise it (one constant flag for all). Per position of the written
    gather: the number of items of the gather written there (taken in turn from the first
    items; their results become one list there), or -1 for an item of its own (taken in turn
    from those after). Empty when nothing is nested.
    """

    items: tuple[ActionCall | CallAsyncHelper | Spread, ...]
    return_exceptions: bool | Expr
    timeout: Expr | None = None
    groups: tuple[int, ...] = ()
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Sleep:
    """Durable `asyncio.sleep(seconds)`."""

    seconds: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class CallAsyncHelper:
    """`await self.helper(...)`: runs an async helper method of the workflow class."""

    name: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitForSignal:
    """`await self.wait_for_signal(name, Type, timeout=seconds)`: a durable wait for the next
    signal of that name sent to the instance (signals sent earlier wait for it, oldest first).

    `type` is the declared payload type as type text: import paths with subscripts,
    `builtins:list[app.models:Decision]` (see `waymark_runtime.signals.type_text`). With
    `timeout` (seconds, evaluated when the wait starts) it raises `SignalTimeout` once it passes."""

    name: str
    type: str
    timeout: Expr | None = None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Start:
    """`t = asyncio.ensure_future(fetch(x))` or `asyncio.create_task(self.enrich(x))`: starts
    the call as a task of its own and gives its handle at once, without waiting. Its arguments
    are evaluated here; it starts running once the awaiting task next suspends, as in CPython."""

    call: ActionCall | CallAsyncHelper
    group: str | None = None
    """`tg.create_task(...)` inside `async with asyncio.TaskGroup() as tg:`: the local holding
    the group's token (`TaskGroup`); the task is one of the group's."""
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Join:
    """`await t` of a task handle `Start` gave: its result, or its exception raised here (the
    same again each time it is awaited). With `many`, `await asyncio.gather(*tasks)` of the
    handles `task` gives (a list): their results in order once all have ended, or the first
    exception a task ends with (its outcome in the list, with `return_exceptions`). With
    `method`, the call of that method of the one handle (`t.done()`, `t.result()`,
    `t.exception()`, `t.cancelled()`, `t.cancel()`), which suspends nothing. A `shielded`
    join is `await asyncio.shield(t)`: cancelling the task that waits on it raises
    `CancelledError` there and leaves `t` running, where a plain join passes the cancel on."""

    task: Expr
    many: bool = False
    return_exceptions: bool = False
    method: str | None = None
    shielded: bool = False
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Timer:
    """`await timer(_t, seconds)`: the durable timer of `async with asyncio.timeout(seconds):`,
    started at once (the await does not wait); its token is stored in local `name` (None for
    `timeout(None)`: no timer), which the block clears on every way out of it.

    When the timer passes while `name` still holds its token, the task's pending wait is
    abandoned, `name` is set to True and `asyncio.CancelledError` is raised at that wait, which
    the block's handler (written by the compiler) turns into `TimeoutError`."""

    name: str
    seconds: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskGroup:
    """`await taskgroup(_g)`: enters `async with asyncio.TaskGroup() as tg:` at once (the await
    does not wait); the group's token is stored in local `name`, which `Start.group` names.

    While the block runs, the first task of the group that fails cancels the others and the
    pending wait of the task that owns the block (`asyncio.CancelledError` raised there)."""

    name: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaveGroup:
    """`_x = await leave(_g, _e)`: leaves the group of token `name`, the block having raised the
    exception in local `error` (None when it ended normally). It waits for every task of the
    group (cancelling them first when the block raised), then gives the exceptions to raise
    as `BaseExceptionGroup` (the tasks' in the order they failed, then the block's own), or
    raises the block's cancellation again, as CPython's `TaskGroup.__aexit__` does."""

    name: str
    error: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitTasks:
    """`done, pending = await asyncio.wait(tasks, timeout=t, return_when=...)` of the handles
    `tasks` gives: the sets of those that have ended and of the others, once the first has
    ended (`FIRST_COMPLETED`), one has raised or all have ended (`FIRST_EXCEPTION`), all have
    ended (`ALL_COMPLETED`), or the timeout has passed (a durable timer)."""

    tasks: Expr
    return_when: str = "ALL_COMPLETED"
    timeout: Expr | None = None
    deadline: str | None = None
    """`asyncio.as_completed(tasks, timeout=t)`'s turn (`return_when` NEXT): the local that
    holds its one deadline over the loop (`interpreter.completing`)."""
    span: Span | None = span_field()


Operation: TypeAlias = (
    ActionCall
    | Gather
    | Sleep
    | CallAsyncHelper
    | WaitForSignal
    | Start
    | Join
    | Timer
    | TaskGroup
    | LeaveGroup
    | WaitTasks
)
