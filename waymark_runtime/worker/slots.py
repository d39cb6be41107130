"""What one worker process holds, as the pool counts it: the attempts it runs, the few that wait
in it behind them (a prefetch), and how long its attempts take.

A worker runs at most `concurrent` attempts; requests sent beyond that wait in the worker, in
the order sent, and start as its slots free up (`worker/main.py`). A prefetch lets a worker
start its next attempt without a round trip to the runner, and lets the runner top it up with
one frame for several freed slots instead of one frame per slot. It is kept only as deep as the
worker's attempts get through in `PREFETCH_SECONDS`, so an attempt queued behind it (another
instance's, see `fair.py`) waits that much longer at most; attempts that take seconds get
almost none.
This module only counts: it sends, starts and decides nothing.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

PREFETCH_SECONDS = 0.2
"""How long the requests waiting in a worker may take to start, at the rate its attempts end.
Attempts of 50 to 100 ms get the full prefetch of two per slot (see `Slots.depth`)."""

_SMOOTHING = 0.2  # weight of the latest attempt in the smoothed duration


@dataclass(eq=False)
class Slots:
    """The pool's picture of one worker: request ids running (with when they started, as far
    as the pool can tell) and waiting, in the order the worker will start them."""

    concurrent: int
    running: dict[int, float] = field(default_factory=dict)
    waiting: deque[int] = field(default_factory=deque)
    took: float | None = None  # smoothed seconds from an attempt's start to its reply
    runs: float | None = None  # smoothed seconds an attempt runs, as the worker measured it

    def sent(self, request_id: int, now: float) -> bool:
        """Count a request written to the worker; True when it starts at once."""
        if len(self.running) < self.concurrent and not self.waiting:
            self.running[request_id] = now
            return True
        self.waiting.append(request_id)
        return False

    def ended(
        self, request_id: int, now: float, *, ran: bool, runs: float | None = None
    ) -> list[int]:
        """Count a reply; the waiting requests that start in the slot it freed. The worker
        writes the replies that free slots before a waiting attempt's code runs, so once every
        reply is read, a request still counted waiting never started."""
        started = self.running.pop(request_id, None)
        if started is None:  # it never started: withdrawn from the worker's queue
            if request_id in self.waiting:
                self.waiting.remove(request_id)
            return []
        if ran:
            took = now - started
            self.took = took if self.took is None else self.took + (took - self.took) * _SMOOTHING
        if runs is not None:
            self.runs = runs if self.runs is None else self.runs + (runs - self.runs) * _SMOOTHING
        begun = []
        while self.waiting and len(self.running) < self.concurrent:
            begun.append(next_id := self.waiting.popleft())
            self.running[next_id] = now
        return begun

    def depth(self, now: float) -> int:
        """How many requests may wait in the worker: as many as its slots get through in
        `PREFETCH_SECONDS` at the pace of its recent attempts; none
        before the first reply says what that pace is. An attempt running longer than that
        pace slows it at once, so attempts that take long stop the prefetch before they end.
        At most two per slot: topped up by half (`room`), the prefetch then always holds a
        slot's worth, so attempts that end together (equal sleeps) start again together and
        their replies keep sharing frames."""
        if self.took is None:
            return 0
        took = max(self.took, now - min(self.running.values(), default=now), 1e-6)
        return min(2 * self.concurrent, int(self.concurrent * PREFETCH_SECONDS / took))

    def busy_until(self, now: float) -> float:
        """When a slot is first left with nothing to run if the worker gets nothing more (at
        the pace its recent attempts ran at in the worker: `took` also counts how late the
        runner read their replies, long when it is busy; `now`: a slot is free, or no pace is
        known yet)."""
        runs = self.runs
        if runs is None or len(self.running) < self.concurrent:
            return now
        ends = sorted(max(now, started + runs) for started in self.running.values())
        for _ in self.waiting:  # each starts in the slot that frees first
            heapq.heapreplace(ends, ends[0] + runs)
        return ends[0]

    def room(self, now: float) -> int:
        """How many requests to send now: free slots are filled at once (a lone attempt never
        waits), the prefetch is topped up once half of it has started, so one frame carries
        several requests."""
        held = len(self.running) + len(self.waiting)
        depth = self.depth(now)
        room = self.concurrent + depth - held
        if held < self.concurrent or room >= max(1, (depth + 1) // 2):
            return room
        return 0
