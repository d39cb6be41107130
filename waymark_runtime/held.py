"""The instances a runner holds between steps: what each waits for and what runs for it.

`Held` is the runner's picture of one leased instance: events waiting for a step, attempts on
its workers, delayed attempts and sleeps; `hold` builds it from a claim. How a held instance
becomes rows of a commit is `changes`. No I/O, no clock and no rows here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.effects import ActionFinished, Event, SleepFinished
from waymark_runtime.engine import ClaimedInstance
from waymark_runtime.interpreter import LiveInstance
from waymark_runtime.store.pg_rows import Began, Claim, ClaimedAttempt, Cursor
from waymark_runtime.tracebacks import split_traceback
from waymark_runtime.worker.executor import Lease

AttemptId = tuple[str, int]
"""(node, attempt): an attempt within its instance."""


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
    sent_at: float | None = None
    """The runner's clock when it last sent the attempt to a worker: its row's `started_at` when
    no commit marked it running before it ended (`commit_instances`)."""
    site: str | None = None  # where the workflow calls it (`PlannedAction.site`)
    row_queued: bool = False
    """Sent to the workers while its row says `queued`: no worker had a free slot for it when
    its commit was written. A later commit marks it `running` once it has run a while
    (`Held.ran_queued`), so a runner's death counts it orphaned only if it started."""

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
    that writes the state consumes them (`changes.prepare`)."""
    cursor: Cursor | None = None
    due: list[Attempt] = field(default_factory=list)
    lost: list[Attempt] = field(default_factory=list)
    running: dict[AttemptId, Attempt] = field(default_factory=dict)
    delayed: dict[AttemptId, tuple[Attempt, float]] = field(default_factory=dict)
    withheld: list[Attempt] = field(default_factory=list)
    gated: dict[AttemptId, Attempt] = field(default_factory=dict)
    """Attempts waiting for their action's limits (`worker.gate`): queued, on no worker."""
    stopped: set[AttemptId] = field(default_factory=set)
    """Attempts of limited actions whose executions stopped, their ends not yet committed
    (`released.Releases`)."""
    marking: list[AttemptId] = field(default_factory=list)
    """Attempts started on a worker while their rows say `queued`: the next commit marks them
    `running` (`Attempt.row_queued`)."""
    sleeps: dict[str, float] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    fresh: bool = False
    broken: Exception | None = None
    committed_at: float = 0.0
    """`time.monotonic()` when its last commit landed (`pacing.Pacer.later`)."""
    failed: list[tuple[Attempt, Any]] = field(default_factory=list)
    """Attempts that failed since the last step, with their errors (for the runner's log)."""
    tracebacks: dict[AttemptId, dict[str, Any]] = field(default_factory=dict)
    """Where failed attempts raised (`tracebacks.split_traceback`), until their rows record it."""
    ran: dict[AttemptId, tuple[float | None, float]] = field(default_factory=dict)
    """When attempts that replied were sent and answered (the runner's clock), until their
    rows record it (`started_at`, `finished_at`)."""
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
    id: str = field(init=False)
    """The instance's id (`claimed.instance_id`), read on every reply, step and commit."""

    def __post_init__(self) -> None:
        self.id = self.claimed.instance_id

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

    def needs_step(self) -> bool:
        return self.fresh or bool(self.events)

    def needs_commit(self) -> bool:
        """A step is due, attempts must start, or the claim's events are not consumed yet."""
        return (
            self.needs_step()
            or self.cursor is not None
            or bool(self.due or self.lost or self.fired or self.broken or self.marking)
        )

    def result(self, attempt: AttemptId, ok: bool, value: Any, at: float) -> bool:
        """Take an attempt's reply, which came at `at` (the runner's clock); False when the
        attempt is not running here (stale)."""
        running = self.running.pop(attempt, None)
        if running is None:
            return False
        sent = running.sent_at
        self.ran[attempt] = (sent, at if sent is None else max(at, sent))
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

    def ran_queued(self, attempt: AttemptId) -> bool:
        """The attempt has run a while on a worker: if its row still says `queued`, the next
        commit marks it `running` (True: a commit is due)."""
        running = self.running.get(attempt)
        if running is None or not running.row_queued or attempt in self.marking:
            return False
        self.marking.append(attempt)
        return True

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
