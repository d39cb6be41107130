"""The instances a runner holds between steps, and how one becomes rows of a group commit.

`Held` is the runner's picture of one leased instance: events waiting for a step, attempts on
its workers, delayed attempts and sleeps. `prepare` turns it, plus the interpreter step its
events produced, into a `Change`: rows for the next commit and what to do once those rows are
durable (dispatch attempts, arm timers, let the instance go). No I/O and no clock here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.consumed import Pause, end_timers, record_results
from waymark_runtime.effects import ActionFinished, Event, SleepFinished
from waymark_runtime.engine import (
    ClaimedInstance,
    InstanceOutcome,
    PlannedAction,
    PlannedChild,
    StepCommit,
)
from waymark_runtime.errors import ChildWorkflowError
from waymark_runtime.interpreter import InstanceState, LiveInstance, encode_state
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Began, Claim, ClaimedAttempt, Cursor
from waymark_runtime.tracebacks import split_traceback
from waymark_runtime.values import error_json
from waymark_runtime.worker.executor import Lease

_RECORD_SHARE = 8
"""A step that settles at least 1/8 of the calls its instance waits on writes the state."""

AttemptId = tuple[str, int]
"""(node, attempt): an attempt within its instance."""


class StuckInstance(Exception):
    """The instance waits for nothing: no attempt, no sleep, no outcome (a runtime bug)."""


@dataclass(slots=True)
class Attempt:
    node: str
    attempt: int
    action: str
    args: list[Any]
    kwargs: dict[str, Any]
    timeout: float | None
    lost_count: int = 0
    isolate: bool = False
    attempts: int | None = None  # the retry budget, when this runner planned the attempt
    dispatched: float = 0.0  # `time.monotonic()` at dispatch, when metrics are on
    site: str | None = None  # where the workflow calls it (`PlannedAction.site`)

    @property
    def id(self) -> AttemptId:
        return (self.node, self.attempt)


@dataclass(eq=False)
class Held:
    """One leased instance in memory. Handles of armed timers live in the runner."""

    claimed: ClaimedInstance
    claimed_at: float
    lease: Lease = field(default_factory=lambda: Lease(float("-inf")))
    epoch: int = 0
    live: LiveInstance | None = None
    """Its interpreter machine, kept between steps (built from `claimed` by the first step)."""
    events: list[Event] = field(default_factory=list)
    results: list[ActionFinished] = field(default_factory=list)
    recorded: list[AttemptId] = field(default_factory=list)
    """Results recorded but not consumed: stepped with the stored state kept. The next commit
    that writes the state consumes them (`prepare`)."""
    cursor: Cursor | None = None
    due: list[Attempt] = field(default_factory=list)
    lost: list[Attempt] = field(default_factory=list)
    running: dict[AttemptId, Attempt] = field(default_factory=dict)
    delayed: dict[AttemptId, tuple[Attempt, float]] = field(default_factory=dict)
    withheld: list[Attempt] = field(default_factory=list)
    gated: dict[AttemptId, Attempt] = field(default_factory=dict)
    """Attempts waiting for their action's limits (`worker.gate`): queued, on no worker."""
    sleeps: dict[str, float] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    fresh: bool = False
    broken: Exception | None = None
    committed_at: float = 0.0
    """`time.monotonic()` when its last commit landed (`Runner._collect_later`)."""
    failed: list[tuple[Attempt, Any]] = field(default_factory=list)
    """Attempts that failed since the last step, with their errors (for the runner's log)."""
    tracebacks: dict[AttemptId, dict[str, Any]] = field(default_factory=dict)
    """Where failed attempts raised (`tracebacks.split_traceback`), until their rows record it."""
    children: set[str] = field(default_factory=set)
    """Nodes waiting for a blocking child: their results arrive by a later claim."""
    started: int = 0
    """Children this instance started before this claim and since."""
    waits: dict[str, str] = field(default_factory=dict)
    """Pending signal waits, node -> signal name: a signal arrives by a later claim."""
    deadline: float | None = None
    """When the instance, if unfinished, ends as `WorkflowTimeout` (the claim's)."""
    began: dict[str, Began] = field(default_factory=dict)
    """A traced instance's pending sleeps and waits: when each began (`consumed.Pause`)."""

    @property
    def in_family(self) -> bool:
        """It has a parent or started children: finishing it settles them (`settle`)."""
        return self.claimed.family.parent_id is not None or self.started > 0

    @property
    def seq(self) -> int | None:
        """`event_seq` as claimed: a release fenced by it wakes at once if a child's outcome
        arrived since."""
        cursor = self.claimed.cursor
        return cursor.seq if isinstance(cursor, Cursor) else None

    @property
    def id(self) -> str:
        return self.claimed.instance_id

    def needs_step(self) -> bool:
        return self.fresh or bool(self.events)

    def needs_commit(self) -> bool:
        """A step is due, attempts must start, or the claim's events are not consumed yet."""
        return (
            self.needs_step()
            or self.cursor is not None
            or bool(self.due or self.lost or self.fired or self.broken)
        )

    def result(self, attempt: AttemptId, ok: bool, value: Any) -> bool:
        """Take an attempt's reply; False when the attempt is not running here (stale)."""
        running = self.running.pop(attempt, None)
        if running is None:
            return False
        if not ok:
            value, recorded = split_traceback(value)
            if recorded is not None:
                self.tracebacks[attempt] = recorded
            self.failed.append((running, value))
        event = ActionFinished(node=attempt[0], attempt=attempt[1], ok=ok, value=value)
        self.events.append(event)
        self.results.append(event)
        return True

    def lose(
        self, attempt: AttemptId, budget: int, lost_error: Any, *, isolate: bool = True
    ) -> None:
        """Its worker died: run it again (`isolate`d: alone in a worker, as a suspect), or past
        the budget fail it with `lost_error`."""
        running = self.running.pop(attempt, None)
        if running is None:
            return
        running.lost_count += 1
        running.isolate = isolate
        if running.lost_count > budget:
            self.result_of_lost(running, lost_error)
        else:
            self.lost.append(running)

    def result_of_lost(self, attempt: Attempt, lost_error: Any) -> None:
        self.failed.append((attempt, lost_error))
        event = ActionFinished(
            node=attempt.node, attempt=attempt.attempt, ok=False, value=lost_error
        )
        self.events.append(event)
        self.results.append(event)

    def withhold(self, attempt: AttemptId) -> None:
        """It was not started because the lease ran out: it starts again only once a
        heartbeat has confirmed this claim (see `confirmed`)."""
        running = self.running.pop(attempt, None)
        if running is not None:
            self.withheld.append(running)

    def confirmed(self, deadline: float) -> bool:
        """A heartbeat confirmed the claim until `deadline`; True when withheld attempts are
        due again (they need a commit to start)."""
        self.lease.deadline = max(self.lease.deadline, deadline)
        self.due.extend(self.withheld)
        resumed, self.withheld = bool(self.withheld), []
        return resumed

    def sleep_finished(self, node: str) -> None:
        if self.sleeps.pop(node, None) is not None:
            self.events.append(SleepFinished(node=node))
            self.fired.append(node)

    def attempt_ready(self, attempt: AttemptId) -> None:
        delayed = self.delayed.pop(attempt, None)
        if delayed is not None:
            self.due.append(delayed[0])

    def earliest_due(self) -> float | None:
        times = [ready_at for _, ready_at in self.delayed.values()] + list(self.sleeps.values())
        return min(times, default=None)


def hold(
    claim: Claim, claimed_at: float, lease: Lease, now: float, budget: int, lost_error: Any
) -> Held:
    """The in-memory picture of a freshly claimed instance (started or resumed)."""
    instance = claim.instance
    held = Held(claimed=instance, claimed_at=claimed_at, lease=lease, epoch=claim.epoch)
    held.fresh = instance.state is None
    held.started = instance.family.children
    held.events = list(instance.events)
    held.cursor = instance.cursor if isinstance(instance.cursor, Cursor) else None
    held.sleeps = dict(claim.sleeps)
    held.waits = dict(claim.waits)
    held.deadline = claim.deadline
    held.began = dict(claim.began)
    for pending in claim.pending:
        _resume_attempt(held, pending, now, budget, lost_error)
    return held


def _resume_attempt(
    held: Held, pending: ClaimedAttempt, now: float, budget: int, lost_error: Any
) -> None:
    attempt = Attempt(pending.node, pending.attempt, pending.action, pending.args,
                      pending.kwargs, pending.timeout, pending.lost_count,
                      site=pending.site)  # fmt: skip
    if pending.status == "waiting":
        held.children.add(pending.node)
    elif pending.status == "running":
        # Its previous holder let the instance go while the attempt ran: it is lost.
        held.running[attempt.id] = attempt
        held.lose(attempt.id, budget, lost_error, isolate=False)
    elif pending.ready_at <= now:
        held.due.append(attempt)
    else:
        held.delayed[attempt.id] = (attempt, pending.ready_at)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class RunnerRules:
    """The runner's rules for `prepare` this round: the time, when an idle instance is let go,
    whether the runner stops, the limits on child workflows, which actions start gated."""

    now: float
    evict_after: float
    stopping: bool = False
    max_child_depth: int = 100
    max_children: int = 10_000
    gated: Callable[[str], bool] = field(default=lambda action: False)
    """Whether an action has limits: its attempts then start through the gate."""
    registered: Callable[[str], bool] = field(default=lambda workflow: True)
    """Whether a workflow has a registered version, for those an instance's pins do not name
    (the runner looks up those its program calls before a step: `Runner._children_known`); a
    child call of one that has none is refused."""


def prepare(held: Held, step: StepCommit | None, rules: RunnerRules) -> Change:
    """The commit rows for `held` (after `step`, if its events were stepped)."""
    change = Change(held=held, batch=CommitBatch())
    change.pauses = end_timers(held, change.batch, rules.now)
    for line in step.plan.logs if step is not None else ():
        change.batch.log(held.id, line)
    outcome = step.plan.outcome if step is not None else None
    if outcome is None:
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
                          wake_at=wake_at, epoch=held.epoch, seq=seq)  # fmt: skip
    if change.done and held.in_family:
        change.batch.settle(held.id)
    record_results(held, change.batch, consumed=state is not None)
    return change


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
        if rules.stopping:
            continue
        if rules.gated(attempt.action):  # queued (a withheld one gives its slot back)
            change.batch.requeue(held.id, attempt.node, attempt.attempt)
            change.gated.append(attempt)
        else:
            change.batch.start(held.id, attempt.node, attempt.attempt)
            change.dispatch.append(attempt)
    for attempt in held.lost:
        if rules.stopping or rules.gated(attempt.action):
            change.batch.requeue(held.id, attempt.node, attempt.attempt, lost=1)
            if not rules.stopping:
                change.gated.append(attempt)
        else:
            change.batch.start(held.id, attempt.node, attempt.attempt, lost=1)
            change.dispatch.append(attempt)
    if rules.stopping:  # never started: back to the queue, not counted as lost
        for attempt in held.withheld:
            change.batch.requeue(held.id, attempt.node, attempt.attempt)
        held.withheld = []
    held.due, held.lost = [], []


def _plan_effects(held: Held, step: StepCommit, change: Change, rules: RunnerRules) -> None:
    for planned in step.plan.actions:
        attempt = _attempt_of(planned)
        run_now = planned.ready_at <= rules.now and not rules.stopping
        gated = run_now and rules.gated(planned.action)
        change.batch.add_attempt(held.id, planned, running=run_now and not gated)
        if gated:
            change.gated.append(attempt)
        elif run_now:
            change.early.append(attempt)
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
