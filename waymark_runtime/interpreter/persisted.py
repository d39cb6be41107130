"""The persisted state of an instance: declared, versioned types.

`InstanceState` is what a store keeps between steps: the frames of the paused workflow (their
locals in the value codec of `interpreter.state`), what it waits for, and how it ended. A wait
record is one dataclass per kind, told apart by its `kind` tag. Their one JSON codec is
`persisted_codec` (`encode_state`, `decode_state`, `STATE_VERSION`); a document it cannot read
raises `StateFormatError`. No interpreter logic here: the machine decides.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from annotated_types import MinLen

from waymark_runtime.errors import WaymarkError

JSON = Any
"""A JSON-shaped value: a frame's locals in the state value codec, an action's arguments."""


class StateFormatError(WaymarkError):
    """the stored instance state cannot be read by this runtime"""


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedFrame:
    """One paused call: its function, the pc of its await, its locals and per-frame slots
    (loop iterators, handled exceptions), encoded together by `interpreter.state` so that
    a value reachable from two frames is one value again after a resume."""

    function: str
    pc: int
    env: JSON
    slots: JSON


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingCall:
    """One call an await dispatched: an action (`target` is its path) or a child workflow
    (`target` is its name). `item` is its gather item; `status` becomes `ok` or `error`
    with `value` its JSON result once it is settled."""

    node: str
    item: int
    target: str
    args: tuple[JSON, ...]
    kwargs: dict[str, JSON]
    attempt: int = 1
    status: Literal["pending", "ok", "error"] = "pending"
    value: JSON = None
    policy: dict[str, JSON] | None = None  # `attempts`/`timeout` computed at its dispatch

    def settled(self, status: Literal["ok", "error"], value: JSON) -> PendingCall:
        return PendingCall(node=self.node, item=self.item, target=self.target, args=self.args,
                           kwargs=self.kwargs, attempt=self.attempt, status=status,
                           value=value, policy=self.policy)  # fmt: skip

    def retried(self) -> PendingCall:
        """The call's next attempt (still pending)."""
        return PendingCall(node=self.node, item=self.item, target=self.target, args=self.args,
                           kwargs=self.kwargs, attempt=self.attempt + 1,
                           policy=self.policy)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class CallsWait:
    """The top frame awaits calls: one action or child call, or a gather of them. Their node
    ids are consecutive; `pending` counts those not settled yet."""

    kind: Literal["calls"] = "calls"
    calls: tuple[PendingCall, ...]
    pending: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepWait:
    """The top frame awaits `asyncio.sleep`; `SleepFinished(node)` resumes it."""

    kind: Literal["sleep"] = "sleep"
    node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalWait:
    """The top frame awaits `self.wait_for_signal(name, ...)`: `SignalReceived(node, value)`
    resumes it with the payload, `SleepFinished(node)` (its timeout) raises `SignalTimeout`."""

    kind: Literal["signal"] = "signal"
    node: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinWait:
    """The top frame awaits a task it started (`await t`): the task's end resumes it. A gather
    of handles waits on all of `nodes` (`node` is the first still running) and resumes once all
    have ended or, without `return_exceptions`, once one fails. A `shielded` join
    (`asyncio.shield(t)`) is not passed a cancel of the task that waits."""

    kind: Literal["join"] = "join"
    node: str
    nodes: tuple[str, ...] = ()
    return_exceptions: bool = False
    when: str = ""  # `asyncio.wait`'s `return_when` (`interpreter.waited`), and its timer
    timer: str = ""
    shielded: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupWait:
    """The top frame leaves an `async with asyncio.TaskGroup()` block (`await leave(...)`)
    whose tasks have not all ended: the last of them to end resumes it."""

    kind: Literal["group"] = "group"
    node: str


# A new wait kind: a frozen dataclass with a `kind: Literal["..."]` tag, added to this union.
Wait = CallsWait | SleepWait | SignalWait | JoinWait | GroupWait


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedTask:
    """An async helper call gathered by `asyncio.gather`, running as a task of its own: its
    call stack and what it waits on. `node` is the call it settles in its parent's `CallsWait`
    (the main stack's or another task's) when it returns or raises; `path` is the iteration
    prefix of what it dispatches (its gather's iteration, then its item's DAG node)."""

    node: str
    path: tuple[int | str, ...]
    frames: Annotated[tuple[SavedFrame, ...], MinLen(1)]  # a task that ended is not saved
    wait: Wait | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedStarted:
    """A task the workflow started (`asyncio.create_task`): `node` is its handle's, `status`
    `pending` while it runs (its stack is then among the tasks), else how it ended, `value`
    its result or exception as JSON, which every `await` of it gives."""

    node: str
    status: Literal["pending", "ok", "error"]
    value: JSON = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedEnding:
    """`run()` ended while tasks it started ran (`interpreter.run_end`): how the instance ends
    (`status`, `value` its result or exception as JSON) once the cancelled `tasks` have ended."""

    status: Literal["ok", "error"]
    value: JSON = None
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedGroup:
    """An `async with asyncio.TaskGroup() as tg:` block being run (`interpreter.task_groups`):
    its token `node`, the task running the block, the tasks `tg.create_task` started in it and
    those that failed (in the order they did), the local holding the block's exception once it
    is left, and how far the group went in cancelling."""

    node: str
    task: str
    members: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    error: str | None = None
    aborting: bool = False
    parent_cancelled: bool = False
    interrupted: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceState:
    """An instance between two steps. A finished one keeps no frames and waits for nothing.
    `frames`/`wait` are the main call stack (`run()`'s); `tasks` the gathered helper calls and
    started tasks still running, `started` the tasks the workflow started (each stored only
    when there are some, so format 2 documents keep their shape)."""

    status: Literal["running", "completed", "failed"] = "running"
    next_node: int = 1
    frames: tuple[SavedFrame, ...] = ()
    wait: Wait | None = None
    logs: int = 0  # workflow log lines written so far: the number of the next one
    printing: tuple[str, str, int] | None = None
    """The line `print(...)` left unfinished (`end=""`): its text, the function and line of the
    print that wrote its last part; stored only when there is one."""
    tasks: tuple[SavedTask, ...] = ()
    started: tuple[SavedStarted, ...] = ()
    deadlines: dict[str, str] = dataclasses.field(default_factory=dict)  # gather timeouts
    # `asyncio.timeout` blocks and `as_completed` deadlines: timer node -> [task node, frame depth,
    # local holding its token]
    timers: dict[str, tuple[str, int, str]] = dataclasses.field(default_factory=dict)
    groups: tuple[SavedGroup, ...] = ()  # `asyncio.TaskGroup` blocks being run
    ending: SavedEnding | None = None  # `run()` ended, its tasks being cancelled
    memos: JSON = None
    """The results of its cached functions (`interpreter.memos`), in the value codec of its
    frames; stored only when there are some."""
    instance: JSON = None
    """The attributes `run()` set on `self` (`interpreter.instance_self`), encoded as `memos`;
    stored only when there are some."""
    returned: JSON = None
    """The results gathered helpers returned while their gather waits on its other items (the
    objects themselves, `Machine.returned`), encoded as `memos`, after everything else;
    stored only when there are some."""


FAILED = InstanceState(status="failed")
"""The state of an instance that failed before or outside the interpreter (a bad program)."""

WAIT_KINDS: tuple[type, ...] = typing.get_args(Wait)
