"""What the interpreter asks of its host (effects) and what the host tells it back (events).

The interpreter is pure: `advance(program, state, events) -> (state, effects)`. Effects and events
are plain data, JSON-shaped, so a host can persist them; this module holds their definitions only.
Values inside them are JSON-shaped workflow values (see `waymark_runtime.values`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

JSON: TypeAlias = Any
Iteration: TypeAlias = tuple[int | str, ...]
"""Which run of a call site: for each enclosing loop, outermost first, its iteration (from 0),
then for a spread its element; a helper's sites are prefixed with the path of the helper call
and its DAG node (`(2, "run.3", 0)`: loop iteration 2 of run, helper called at `run.3`, that
helper's loop iteration 0). `()` for a site that runs once."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchAction:
    """Run one attempt of an action.

    `node` identifies the call site occurrence within the instance (stable across resumes), and
    `attempt` counts from 1. `site` is the DAG node of the call (as `waymark graph` draws it;
    a gather item's own node), `iteration` which run of that site it is (`Iteration`). The host must not start the attempt before `delay` seconds have
    passed, plus a random extra of up to `jitter` seconds. `timeout` (seconds) bounds the attempt;
    when it passes, the host reports an `ActionTimeout` failure. `attempts` is the retry policy's
    budget (total executions), for the host's logs.
    """

    node: str
    action: str
    args: tuple[JSON, ...]
    kwargs: dict[str, JSON]
    attempt: int = 1
    delay: float = 0.0
    jitter: float = 0.0
    timeout: float | None = None
    site: str | None = None
    iteration: Iteration = ()
    attempts: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class StartSleep:
    """A durable sleep: report `SleepFinished(node)` once `seconds` have passed. `site` and
    `iteration` say where it is, as for `DispatchAction`."""

    node: str
    seconds: float
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitSignal:
    """A durable wait for the next signal `name` sent to the instance: report
    `SignalReceived(node, value)` with the oldest unconsumed one (consuming it), or, once
    `timeout` seconds have passed without one, `SleepFinished(node)`."""

    node: str
    name: str
    timeout: float | None = None
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Complete:
    """The instance finished; `result` is the JSON-shaped return value."""

    result: JSON


@dataclass(frozen=True, slots=True, kw_only=True)
class Fail:
    """The instance failed; `error` is a JSON-shaped exception value."""

    error: JSON


@dataclass(frozen=True, slots=True, kw_only=True)
class StartChild:
    """Start a child instance of `workflow` with `inputs` (keyword arguments of its `run()`).

    Blocking: its outcome arrives as `ActionFinished(node, attempt=1, ...)`, as an action's
    would (never retried). Detached: the child lives on its own and the event's value is its
    instance id, reported once the child exists."""

    node: str
    workflow: str
    inputs: dict[str, JSON]
    blocking: bool = True
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteLog:
    """A line of the instance's log (`self.log.info(...)`), to record with this step.

    `seq` numbers the instance's lines from 0, so a step that is committed twice records each
    once; `level` is `debug`, `info`, `warning`, `error` or `critical`; `message` is formatted
    already; `function` and `line` say where in the Python source the workflow logged it."""

    seq: int
    level: str
    message: str
    function: str
    line: int


Effect: TypeAlias = (
    DispatchAction | StartSleep | StartChild | WaitSignal | Complete | Fail | WriteLog
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionFinished:
    """An attempt ended: `ok` with `value` as its result, or not ok with `value` an exception."""

    node: str
    attempt: int
    ok: bool
    value: JSON


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepFinished:
    node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalReceived:
    """The signal a `WaitSignal(node)` waited for: `value` is its JSON-shaped payload."""

    node: str
    value: JSON


Event: TypeAlias = ActionFinished | SleepFinished | SignalReceived
