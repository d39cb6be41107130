"""`CommitBatch`: the rows of one group commit, sent as one JSON document.

A runner records what each step changed; `params()` is the
whole batch as the single document `commit_instances` reads with `json_to_recordset`, encoded
once (`json.dumps`, in C): any number of steps costs one statement and one parameter. Values
(state, results, arguments) stay nested JSON, never re-quoted. This module builds the
parameter and runs nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from waymark_runtime.effects import WriteLog
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction, PlannedChild, PlannedWait

_JSON = json.JSONEncoder(separators=(",", ":"), allow_nan=False)  # built once, not per call


def dumps(value: Any) -> str:
    """JSON text of a JSON-shaped value, as PostgreSQL's `json` input expects it."""
    return _JSON.encode(value)


_KEEP: Any = object()
_DONE = {True: "completed", False: "failed"}

Row = dict[str, Any]
Ran = tuple[float | None, float | None]
"""When an attempt was sent to a worker and when its reply came (None: unknown; the commit's
time), read from the runner's clock: its row's `started_at` (unless a commit marked it running
first) and `finished_at`."""


class CommitBatch:
    """Everything one commit writes; instances first, then their attempts and timers.

    Row keys are the column names the query declares (`s`: steps, `o`: attempt ops, `n`: new
    attempts, `d`: finished sleeps, `t`: new sleeps, `c`: child calls, `l`: log lines). `settled` lists the
    instances of the batch that may finish with a family (a parent, children): the store then
    settles them (`settle_children`) in the same transaction.
    """

    KEEP = _KEEP

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {"s": [], "o": [], "n": [], "d": [], "t": [], "c": [],
                                           "l": []}  # fmt: skip
        self.settled: list[str] = []
        self.signal_rows: dict[str, list[Row]] = {"w": [], "g": [], "e": []}
        """The `commit_signals` document: `w` new waits, `g` consumed signals, `e` ended
        waits (written in the commit's transaction when there are any)."""

    def __len__(self) -> int:
        return len(self.rows["s"])

    def instance(
        self,
        instance_id: str,
        *,
        state: Any = _KEEP,
        outcome: InstanceOutcome | None = None,
        release: bool = False,
        wake_at: float | None = None,
        seq: int | None = None,
        epoch: int | None = None,
        announce: bool = False,
    ) -> None:
        """Update one instance (once per batch); `release` gives its lease up until `wake_at`
        (`announce`: its commit tells every runner when it wakes, `waymark_runnable`).

        `state` is a JSON document, opaque to the store (the runner writes `encode_state`'s).
        With `epoch`, the row is written only while the owner holds that claim of the instance."""
        row: Row = {"id": instance_id, "release": release, "wake_at": wake_at, "seq": seq,
                    "epoch": epoch}  # fmt: skip
        if announce:
            row["announce"] = True
        if state is not _KEEP:
            row["state"] = state
        if outcome is not None:
            row["status"] = _DONE[outcome.ok]
            row["result" if outcome.ok else "error"] = outcome.value
        self.rows["s"].append(row)

    def finish(
        self, instance_id: str, node: str, attempt: int, ok: bool, value: Any,
        traceback: Any = None, *, ran: Ran | None = None, abandoned: bool = False,
    ) -> None:  # fmt: skip
        """Record an attempt's result, consumed by the step in this same batch (`traceback`:
        where a failed one raised, `tracebacks.split_traceback`; `ran`: when the runner sent
        it and took its reply, else it ends at the commit's time). `abandoned`: it ends because
        its instance finishes while it may still run on a worker (it keeps its action's slot
        until the lease lapses)."""
        self._result("finish", instance_id, node, attempt, ok, value, traceback, ran)
        if abandoned:
            self.rows["o"][-1]["abandoned"] = True

    def record(
        self, instance_id: str, node: str, attempt: int, ok: bool, value: Any,
        traceback: Any = None, *, ran: Ran | None = None,
    ) -> None:  # fmt: skip
        """Record an attempt's result NOT consumed: the instance's stored state stays as it
        was (`KEEP`), so the result is an event of its next claim until a later commit that
        writes the state consumes it (`consume`)."""
        self._result("record", instance_id, node, attempt, ok, value, traceback, ran)

    def _result(
        self, op: str, instance_id: str, node: str, attempt: int, ok: bool, value: Any,
        traceback: Any, ran: Ran | None,
    ) -> None:  # fmt: skip
        row = self._op(instance_id, node, attempt, op, status=_DONE[ok], value=value)
        if traceback is not None:
            row["traceback"] = traceback
        if ran is not None:
            row["started"] = ran[0]
            if ran[1] is not None:
                row["at"] = ran[1]

    def consume(self, instance_id: str, node: str, attempt: int) -> None:
        """Mark a result recorded earlier (an event read at claim time) as consumed."""
        self._op(instance_id, node, attempt, "consume")

    def start(
        self, instance_id: str, node: str, attempt: int, lost_count: int | None = None,
        at: float | None = None,
    ) -> Row:  # fmt: skip
        """A queued attempt now runs on the committing owner's workers since `at` (when it was
        sent to a worker), else since the commit. `lost_count`: it runs again after a lost
        try, and this many tries of it are lost now (a count, not an increment, so a commit
        applied twice, its answer lost, counts each loss once)."""
        row = self._op(instance_id, node, attempt, "start", lost_count=lost_count)
        if at is not None:
            row["at"] = at
        return row

    def requeue(
        self, instance_id: str, node: str, attempt: int, lost_count: int | None = None
    ) -> None:
        """An attempt goes back to the queue (its instance is being released); `lost_count`
        as for `start`."""
        self._op(instance_id, node, attempt, "requeue", lost_count=lost_count)

    def _op(self, instance_id: str, node: str, attempt: int, op: str, **more: Any) -> Row:
        row: Row = {"instance_id": instance_id, "node": node, "attempt": attempt, "op": op}
        row.update(more)
        self.rows["o"].append(row)
        return row

    def add_attempt(self, instance_id: str, action: PlannedAction, *, running: bool) -> Row:
        """Insert an attempt: `running` on the owner's workers now, else queued until ready."""
        row: Row = {
            "instance_id": instance_id,
            "node": action.node,
            "attempt": action.attempt,
            "action": action.action,
            "args": action.args,
            "kwargs": action.kwargs,
            "timeout": action.timeout,
            "ready_at": action.ready_at,
            "running": running,
            "site": action.site,
            "iteration": list(action.iteration),
        }
        self.rows["n"].append(row)
        return row

    def child(
        self,
        instance_id: str,
        planned: PlannedChild,
        *,
        child: str | None,
        blocking: bool,
        status: str = "waiting",
        value: Any = None,
    ) -> None:
        """A child call of `node`: start instance `child` (None: refused, `status` is then
        `failed` with `value` the error), and record the parent's attempt 1 of the call —
        `waiting` for a blocking child, finished at once otherwise."""
        self.rows["c"].append({"instance_id": instance_id, "node": planned.node, "child": child,
                               "workflow": planned.workflow, "inputs": planned.inputs,
                               "blocking": blocking, "status": status, "value": value,
                               "site": planned.site, "iteration": list(planned.iteration)})  # fmt: skip

    def log(self, instance_id: str, line: WriteLog) -> None:
        """Record a line of the instance's log (`self.log.info(...)`), written by its step."""
        self.rows["l"].append({"instance_id": instance_id, "seq": line.seq, "level": line.level,
                               "message": line.message, "function": line.function,
                               "line": line.line})  # fmt: skip

    def settle(self, instance_id: str) -> None:
        """The instance finishes in this batch and has (or is) a child: settle its family."""
        self.settled.append(instance_id)

    def drop_timer(self, instance_id: str, node: str) -> None:
        self.rows["d"].append({"instance_id": instance_id, "node": node})

    def add_timer(
        self,
        instance_id: str,
        node: str,
        wake_at: float,
        site: str | None = None,
        iteration: Sequence[int | str] = (),
    ) -> None:
        """Insert a pending sleep; `drop_timer` marks it finished (the row is kept)."""
        self.rows["t"].append({"instance_id": instance_id, "node": node, "wake_at": wake_at,
                               "site": site, "iteration": list(iteration)})  # fmt: skip

    def add_wait(self, instance_id: str, wait: PlannedWait) -> None:
        """Record a pending wait for a signal (its timeout is a timer of the same node)."""
        self.signal_rows["w"].append({"instance_id": instance_id, "node": wait.node,
                                      "name": wait.name, "site": wait.site,
                                      "iteration": list(wait.iteration)})  # fmt: skip

    def consume_signal(self, instance_id: str, node: str, signal: int) -> None:
        """Signal `signal` answered wait `node`: it is consumed and the wait ends."""
        self.signal_rows["g"].append({"instance_id": instance_id, "node": node, "signal": signal})
        self.end_wait(instance_id, node)

    def end_wait(self, instance_id: str, node: str) -> None:
        """Wait `node` is over (answered, or its timeout passed)."""
        self.signal_rows["e"].append({"instance_id": instance_id, "node": node})

    @property
    def has_signals(self) -> bool:
        return any(self.signal_rows.values())

    def extend(self, other: CommitBatch) -> None:
        """Append another batch's rows (a group commit is the union of per-instance batches)."""
        for key, rows in other.rows.items():
            self.rows[key].extend(rows)
        for key, rows in other.signal_rows.items():
            self.signal_rows[key].extend(rows)
        self.settled.extend(other.settled)

    @property
    def lean(self) -> bool:
        """No child calls, sleeps or log lines: `commit_instances_lean` writes it."""
        rows = self.rows
        return not (rows["c"] or rows["d"] or rows["t"] or rows["l"])

    def params(self) -> list[Any]:
        """The `commit_instances` arguments after `$1 owner, $2 now`: one JSON document (the
        pool's `json` codec encodes it with `dumps`)."""
        added = {(row["instance_id"], row["node"]) for row in self.rows["t"]}
        # A sleep node set again in this batch is updated, not deleted (one change per row).
        done = [row for row in self.rows["d"] if (row["instance_id"], row["node"]) not in added]
        # The instance rows in the order of their ids, as a heartbeat locks them (`heartbeat`).
        steps = sorted(self.rows["s"], key=lambda row: uuid.UUID(row["id"]))
        return [{**self.rows, "s": steps, "d": done}]
