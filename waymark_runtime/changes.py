"""How a held instance becomes its part of a group commit: `prepare` and the planning of effects.

`prepare` turns a `Held`, plus the interpreter step its events produced, into a `Change`: rows
for the next commit and what to do once those rows are durable (dispatch attempts, arm timers,
let the instance go); `failure` is the change that ends an instance with an error. No I/O and
no clock here (the runner passes the time in `RunnerRules`), and nothing is sent or armed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from waymark_runtime.consumed import Pause, end_timers, record_results
from waymark_runtime.effects import ActionFinished
from waymark_runtime.engine import StepCommit
from waymark_runtime.errors import ChildWorkflowError, WorkflowCancelled
from waymark_runtime.held import Attempt, AttemptId, Held
from waymark_runtime.interpreter import InstanceState, encode_state
from waymark_runtime.step_plan import InstanceOutcome, PlannedAction, PlannedChild
from waymark_runtime.store.pg_batch import CommitBatch, Ran, Row
from waymark_runtime.store.pg_rows import Began
from waymark_runtime.values import error_json

_RECORD_SHARE = 8
"""A step that settles at least 1/8 of the calls its instance waits on writes the state."""


class StuckInstance(Exception):
    """The instance waits for nothing: no attempt, no sleep, no outcome (a runtime bug)."""


@dataclass(eq=False)
class Change:
    """One instance's part of a group commit, and what follows once it is durable."""

    held: Held
    batch: CommitBatch
    dispatch: list[Attempt] = field(default_factory=list)
    """Attempts the commit starts (due, lost or withheld before): sent once it is durable."""
    early: list[Attempt] = field(default_factory=list)
    """Attempts the step planned to run now: sent while the commit that inserts them is in
    flight (docs/runtime.md, "Dispatch before the commit lands")."""
    delayed: list[tuple[Attempt, float]] = field(default_factory=list)
    sleeps: list[tuple[str, float]] = field(default_factory=list)
    done: bool = False
    release: bool = False
    resolved: list[ActionFinished] = field(default_factory=list)
    """Child calls answered by this commit itself (a detached child's id, a refusal)."""
    gated: list[Attempt] = field(default_factory=list)
    """Attempts committed queued, to start once their action's limits allow (`worker.gate`)."""
    pauses: list[Pause] = field(default_factory=list)
    """A traced instance's sleeps and waits this commit ends (spans once it is durable)."""
    starting: list[tuple[Attempt, Row]] = field(default_factory=list)
    """The attempts of `early` and `dispatch`, each with the row that says it runs: the
    runner keeps that word only for those a free worker slot takes (`fit_to_room`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunnerRules:
    """The runner's rules for `prepare` this round: the time, when an idle instance is let go,
    whether the runner stops, the limits on child workflows, which actions start gated."""

    now: float
    evict_after: float
    stopping: bool = False
    announce_within: float = 0.0
    """A release waking sooner than this is announced to every runner (`announces`)."""
    max_child_depth: int = 100
    max_children: int = 10_000
    gated: Callable[[str], bool] = field(default=lambda action: False)
    """Whether an action has limits: its attempts then start through the gate."""
    registered: Callable[[str], bool] = field(default=lambda workflow: True)
    """Whether a workflow has a registered version, for those an instance's pins do not name
    (the runner looks up those its program calls before a step: `ChildLookup.known`); a
    child call of one that has none is refused."""


def prepare(held: Held, step: StepCommit | None, rules: RunnerRules) -> Change:
    """The commit rows for `held` (after `step`, if its events were stepped)."""
    change = Change(held=held, batch=CommitBatch())
    change.pauses = end_timers(held, change.batch, rules.now)
    for line in step.plan.logs if step is not None else ():
        change.batch.log(held.id, line)
    outcome = step.plan.outcome if step is not None else None
    if outcome is None:
        _mark_running(held, change)
        _start_attempts(held, change, rules)
        if step is not None:
            _plan_effects(held, step, change, rules)
        outcome = _decide_release(held, change, rules)
    change.done = outcome is not None
    state = _written_state(held, step, change)
    wake_at = rules.now if rules.stopping else held.earliest_due()
    seq = held.seq if held.children or held.waits else None
    change.batch.instance(held.id, state=encode_state(state) if state is not None else
                          CommitBatch.KEEP, outcome=outcome, release=change.release,
                          wake_at=wake_at, epoch=held.epoch, seq=seq,
                          announce=announces(change, wake_at, rules))  # fmt: skip
    if change.done and held.in_family:
        change.batch.settle(held.id)
    record_results(held, change.batch, consumed=state is not None)
    if change.done:
        _abandon_running(held, change.batch)
    return change


def announces(change: Change, wake_at: float | None, rules: RunnerRules) -> bool:
    """Whether the release of `change` wakes within `announce_within` (the poll interval):
    the other runners then hear of its wake-up from its commit, as they would otherwise only
    from a poll of their own (the releasing runner's timer dies with it)."""
    if not change.release or rules.stopping:
        return False
    wakes = [at for at in (wake_at, change.held.deadline) if at is not None]
    return bool(wakes) and min(wakes) < rules.now + rules.announce_within


def _abandon_running(held: Held, batch: CommitBatch) -> None:
    """The instance finishes while attempts of it still run (a gather that raised while the
    others ran, a call never awaited): they end with it, failed with `WorkflowCancelled`, and
    `abandoned`: a worker may still execute them, so a limited action keeps its slot until the
    lease lapses (the runner stops them: `Runner._commit`). Left `running`, an attempt of a
    limited action held its slot for ever. Those still queued (waiting for a slot, out a
    backoff, to start again after a lost worker) end with it too, never started: they stayed
    `queued` for ever."""
    ended = {(op["node"], op["attempt"]) for op in batch.rows["o"]}
    value = error_json(WorkflowCancelled("the workflow finished before this action ended"))
    for key, attempt in held.running.items():
        if key not in ended:
            batch.finish(held.id, *key, False, value, ran=(attempt.sent_at, None), abandoned=True)
    for key in queued(held):
        if key not in ended:
            batch.finish(held.id, *key, False, value)


def queued(held: Held) -> list[AttemptId]:
    """The attempts of `held` on no worker yet: due, lost, withheld, delayed or gated."""
    waiting = [*held.due, *held.lost, *held.withheld]
    keys = [attempt.id for attempt in waiting] + [*held.delayed, *held.gated]
    return list(dict.fromkeys(key for key in keys if key not in held.running))


def _written_state(held: Held, step: StepCommit | None, change: Change) -> InstanceState | None:
    """The state the commit writes: the step's, or none (the stored one stays) when there was
    no step or it only settled calls. It is saved anyway when the instance is let go with
    results recorded unconsumed (its next claim would read them all again), or when the step
    settled a large share of the calls its waits hold: recording each result and consuming it
    later writes its attempt row twice, more than the state costs then."""
    if step is not None and step.state is not None:
        return step.state
    live = held.live
    if live is None or not live.running:
        return None
    cursor = held.cursor.attempts if held.cursor is not None else ()
    taken = len(held.results) + len(cursor)
    if not (taken or held.recorded):
        return None
    if change.release or taken * _RECORD_SHARE >= live.calls():
        return live.saved()
    return None


def _start_attempts(held: Held, change: Change, rules: RunnerRules) -> None:
    """Due and lost attempts run now, unless the runner is stopping (they stay queued)."""
    for attempt in held.due:
        if rules.stopping:  # perhaps handed to a worker that never started it (`pool.hold`)
            change.batch.requeue(held.id, attempt.node, attempt.attempt)
            continue
        if rules.gated(attempt.action):  # queued (a withheld one gives its slot back)
            change.batch.requeue(held.id, attempt.node, attempt.attempt)
            change.gated.append(attempt)
        else:
            row = change.batch.start(held.id, attempt.node, attempt.attempt)
            change.dispatch.append(attempt)
            change.starting.append((attempt, row))
    for attempt in held.lost:
        if rules.stopping or rules.gated(attempt.action):
            change.batch.requeue(held.id, attempt.node, attempt.attempt, attempt.lost_count)
            if not rules.stopping:
                change.gated.append(attempt)
        else:
            row = change.batch.start(held.id, attempt.node, attempt.attempt, attempt.lost_count)
            change.dispatch.append(attempt)
            change.starting.append((attempt, row))
    if rules.stopping:  # never started: back to the queue, not counted as lost
        for attempt in held.withheld:
            change.batch.requeue(held.id, attempt.node, attempt.attempt)
        held.withheld = []
    held.due, held.lost = [], []


def _mark_running(held: Held, change: Change) -> None:
    """Attempts sent with their rows `queued` that have run a while: their rows say `running`
    from this commit on (`Attempt.row_queued`). One whose reply came is not running any more:
    the step records its result instead."""
    for node, number in held.marking:
        attempt = held.running.get((node, number))
        if attempt is not None and attempt.row_queued:
            change.batch.start(held.id, node, number, at=attempt.sent_at)
            attempt.row_queued = False
    held.marking = []


def fit_to_room(change: Change, room: int) -> int:
    """Keep `running` in the rows of the attempts the change sends to the workers for as many
    as `room` free worker slots start at once; the rest (and a suspect, which waits for a
    worker of its own) are sent with their rows `queued`, so a runner that dies before they
    start does not count them lost (`Attempt.row_queued`). Returns the room left."""
    for attempt, row in change.starting:
        attempt.row_queued = room <= 0 or attempt.isolate
        if not attempt.row_queued:
            room -= 1
        elif "running" in row:  # inserted by this commit
            row["running"] = False
        else:  # a start op: its loss, if it was lost, is counted all the same
            row["op"] = "requeue"
    return room


def _plan_effects(held: Held, step: StepCommit, change: Change, rules: RunnerRules) -> None:
    for planned in step.plan.actions:
        attempt = _attempt_of(planned)
        run_now = planned.ready_at <= rules.now and not rules.stopping
        gated = run_now and rules.gated(planned.action)
        row = change.batch.add_attempt(held.id, planned, running=run_now and not gated)
        if gated:
            change.gated.append(attempt)
        elif run_now:
            change.early.append(attempt)
            change.starting.append((attempt, row))
        else:
            change.delayed.append((attempt, planned.ready_at))
            held.delayed[attempt.id] = (attempt, planned.ready_at)
    traced = held.claimed.trace is not None
    for timer in step.plan.timers:
        change.batch.add_timer(held.id, timer.node, timer.wake_at, timer.site, timer.iteration)
        change.sleeps.append((timer.node, timer.wake_at))
        held.sleeps[timer.node] = timer.wake_at
        if traced:
            held.began[timer.node] = Began(rules.now, timer.site)
    for child in step.plan.children:
        _start_child(held, child, change, rules)
    for wait in step.plan.waits:
        change.batch.add_wait(held.id, wait)
        held.waits[wait.node] = wait.name
        if traced:
            held.began[wait.node] = Began(rules.now, wait.site, wait.name)


def _start_child(held: Held, planned: PlannedChild, change: Change, rules: RunnerRules) -> None:
    """A child call: start the child (its id derives from the parent's and the node, so a
    replayed commit starts no second child) and record the parent's side of the call."""
    refusal = _child_refusal(held, planned.workflow, rules)
    held.started += 1
    node, batch = planned.node, change.batch
    if refusal is not None:
        value = error_json(refusal)
        batch.child(held.id, planned, child=None,
                    blocking=planned.blocking, status="failed", value=value)  # fmt: skip
        change.resolved.append(ActionFinished(node=node, attempt=1, ok=False, value=value))
        return
    child = str(uuid.uuid5(uuid.UUID(held.id), node))
    if planned.blocking:
        batch.child(held.id, planned, child=child, blocking=True)
        held.children.add(node)
        return
    batch.child(held.id, planned, child=child, blocking=False,
                status="completed", value=child)  # fmt: skip
    change.resolved.append(ActionFinished(node=node, attempt=1, ok=True, value=child))


def _child_refusal(held: Held, workflow: str, rules: RunnerRules) -> ChildWorkflowError | None:
    if workflow not in held.claimed.family.pins and not rules.registered(workflow):
        return ChildWorkflowError(
            f"workflow {workflow!r} has no registered version to start as a child: its "
            "version is registered when a client runs it, or runs a workflow whose module "
            "imports it"
        )
    depth = held.claimed.family.depth + 1
    if depth > rules.max_child_depth:
        return ChildWorkflowError(
            f"child workflow depth {depth} exceeds WAYMARK_MAX_CHILD_DEPTH="
            f"{rules.max_child_depth} (unbounded recursion?)"
        )
    if held.started + 1 > rules.max_children:
        return ChildWorkflowError(
            f"an instance may start at most WAYMARK_MAX_CHILDREN={rules.max_children} "
            "child workflows"
        )
    return None


def _attempt_of(planned: PlannedAction) -> Attempt:
    return Attempt(planned.node, planned.attempt, planned.action, list(planned.args),
                   dict(planned.kwargs), planned.timeout, attempts=planned.attempts,
                   site=planned.site)  # fmt: skip


def _decide_release(held: Held, change: Change, rules: RunnerRules) -> InstanceOutcome | None:
    """Let an instance go when nothing runs and its next wake-up is far (or the runner stops).

    Returns a failure outcome for an instance that waits for nothing at all.
    """
    if rules.stopping:
        held.gated = {}  # queued in the store: the next claim of the instance starts them
    if held.running or held.withheld or change.dispatch or change.early or change.resolved:
        return None
    if held.gated or change.gated:
        return None
    earliest = held.earliest_due()
    if held.waits or (earliest is None and held.children):
        # Nothing to do until a child finishes or a signal arrives (both reach the store, not
        # this runner): hold nothing meanwhile; a timeout is the wake-up time.
        change.release = True
        return None
    if earliest is None and not rules.stopping:
        stuck = StuckInstance("instance waits for no action, sleep or outcome (a waymark bug)")
        return InstanceOutcome(ok=False, value=error_json(stuck))
    change.release = rules.stopping or (earliest or 0.0) - rules.now > rules.evict_after
    return None


def failure(held: Held, error: BaseException, rows: CommitBatch | None = None) -> Change:
    """A change that ends the instance with `error`, and with it the attempts whose results
    its rows (or its events) held, those still running and those still queued: none is left
    `running` or `queued`."""
    value = error_json(error)
    change = Change(held=held, batch=CommitBatch(), done=True)
    change.batch.instance(held.id, outcome=InstanceOutcome(ok=False, value=value), epoch=held.epoch)
    if held.in_family:
        change.batch.settle(held.id)
    ops = rows.rows["o"] if rows is not None else []
    ran: dict[tuple[str, int], Ran] = {
        (op["node"], op["attempt"]): (op.get("started"), op.get("at"))
        for op in ops if op["op"] in ("finish", "record")
    }  # fmt: skip
    ran.update(held.ran)
    ran.update({key: (attempt.sent_at, None) for key, attempt in held.running.items()})
    ended = [*ran, *((event.node, event.attempt) for event in held.results)]
    moved = [(op["node"], op["attempt"]) for op in ops if op["op"] in ("start", "requeue")]
    ended_ids = dict.fromkeys([*ended, *queued(held), *moved])  # `rows` took them from `held`
    for node, attempt in ended_ids:  # those that ran keep their times; the rest end now
        change.batch.finish(held.id, node, attempt, False, value, ran=ran.get((node, attempt)),
                            abandoned=(node, attempt) in held.running)  # fmt: skip
    for node, attempt in held.recorded:  # recorded by earlier commits: their results stand
        if (node, attempt) not in ended_ids:
            change.batch.consume(held.id, node, attempt)
    return change
