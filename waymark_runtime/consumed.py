"""Which events a commit consumes: the results, sleeps and signals a held instance's step took.

A commit that writes the instance's state consumes the results its step took and every result
recorded unconsumed before (`Held.recorded`, the claim's events included); a commit that keeps
the state (the step only settled calls of a pending wait) records its results unconsumed, so a
claim after a crash reads them as events again, on the stored state (docs/runtime.md, "Live
instances"). Sleeps that ended and signals that answered a wait end with the commit either way;
for a traced instance each becomes a `Pause` (its span, once the commit is durable). No I/O
here: rows of a `CommitBatch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Began

if TYPE_CHECKING:
    from waymark_runtime.held import Held


class Pause(NamedTuple):
    """A sleep or signal wait of a traced instance that ended at `ended` (epoch seconds, when
    the step that resumes the workflow ran): `how` is `slept`, `signal` or `timeout`."""

    node: str
    began: Began
    ended: float
    how: str


def end_timers(held: Held, batch: CommitBatch, now: float) -> list[Pause]:
    """Sleeps and signal waits whose events the step consumed (or that fired while held);
    returns those of them whose start `held.began` knows (only a traced instance's)."""
    ended: list[tuple[str, str]] = []
    if held.cursor is not None:
        for node in held.cursor.timers:
            ended.append((node, _drop_timer(held, batch, node)))
        for node, signal in held.cursor.signals:
            batch.consume_signal(held.id, node, signal)
            batch.drop_timer(held.id, node)  # its timeout, if it had one
            ended.append((node, "signal"))
    for node in held.fired:
        ended.append((node, _drop_timer(held, batch, node)))
    if not (ended and held.began):
        return []
    began = held.began
    return [Pause(node, began.pop(node), now, how) for node, how in ended if node in began]


def record_results(held: Held, batch: CommitBatch, *, consumed: bool) -> None:
    """Record the results the step took; with the state written, consume them and every
    result recorded unconsumed before (the claim's events included), else record them
    unconsumed: a claim after a crash reads them as events again, on the stored state."""
    for event in held.results:
        key = (event.node, event.attempt)
        where = held.tracebacks.pop(key, None) if held.tracebacks else None
        record = batch.finish if consumed else batch.record
        record(held.id, event.node, event.attempt, event.ok, event.value, where,
               ran=held.ran.pop(key, None))  # fmt: skip
    claimed = list(held.cursor.attempts) if held.cursor is not None else []
    if consumed:
        for node, attempt in [*held.recorded, *claimed]:
            batch.consume(held.id, node, attempt)
        held.recorded = []
    else:
        held.recorded += [*claimed, *((event.node, event.attempt) for event in held.results)]
    held.results, held.cursor, held.fired, held.events, held.fresh = [], None, [], [], False


def _drop_timer(held: Held, batch: CommitBatch, node: str) -> str:
    """A sleep ended, or a signal wait's timeout passed (the wait ends with it): which."""
    batch.drop_timer(held.id, node)
    if held.waits.pop(node, None) is None:
        return "slept"
    batch.end_wait(held.id, node)
    return "timeout"
