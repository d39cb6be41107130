"""The clocks a runner reads: what time it is (epoch seconds) and how to be called back then.

`SystemClock` is production's: the wall clock (or a function a test pins) and the event loop's
timers. `VirtualClock` is `LocalRuntime`'s: it stands still until its host calls `advance`,
which jumps to the next armed callback, so a day-long durable sleep ends at once and sleeps and
retry delays still end in order. Lease deadlines never use these: they are `time.monotonic()`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Handle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What a runner needs of time."""

    virtual: bool

    def now(self) -> float: ...

    def call_at(self, when: float, callback: Callable[[], None]) -> Handle: ...


class SystemClock:
    """Real time: `now` is `time.time()` unless a test passes its own function."""

    virtual = False

    def __init__(self, now: Callable[[], float] | None = None) -> None:
        self._now = now or time.time
        self._due: dict[float, _Due] = {}

    def now(self) -> float:
        return self._now()

    def call_at(self, when: float, callback: Callable[[], None]) -> Handle:
        """Callbacks due at one time are called in the order they were armed (the event
        loop's own timers at one time come in any order), as tasks that slept the same
        durations from one step wake in the order they slept."""
        due = self._due.get(when)
        if due is None:
            loop = asyncio.get_running_loop()
            due = self._due[when] = _Due(self._due, when)
            due.handle = loop.call_later(max(0.0, when - self._now()), due.fire)
        armed = _Armed(when, len(due.armed), callback, owner=due)
        due.armed.append(armed)
        return armed


@dataclass(order=True, slots=True)
class _Armed:
    when: float
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)
    owner: _Due | None = field(default=None, compare=False)

    def cancel(self) -> None:
        self.cancelled = True
        if self.owner is not None:
            self.owner.cancelled()


@dataclass(slots=True, eq=False)
class _Due:
    """`SystemClock`'s callbacks due at one time, behind one timer of the event loop."""

    table: dict[float, _Due]
    when: float
    armed: list[_Armed] = field(default_factory=list)
    handle: asyncio.TimerHandle | None = None

    def fire(self) -> None:
        if self.table.get(self.when) is self:
            del self.table[self.when]
        for armed in self.armed:
            VirtualClock._fire(armed)

    def cancelled(self) -> None:
        """One was cancelled: once all are, the loop's timer goes too."""
        if all(armed.cancelled for armed in self.armed) and self.handle is not None:
            self.handle.cancel()
            if self.table.get(self.when) is self:
                del self.table[self.when]


MICROS = 1_000_000


def _micros(when: float) -> int:
    """Epoch seconds as whole microseconds (to the nearest)."""
    return round(when * MICROS)


class VirtualClock:
    """Starts at the real time and moves only by `advance` (or `jump`).

    Its time is whole microseconds (as PostgreSQL stores times), and every time it is asked to
    call back at is taken to the nearest microsecond: a sleep of 0.2 s and two of 0.1 s begun
    together end at the same time, however `now() + seconds` rounds, and callbacks due at one
    time are called in the order they were armed, as asyncio's timers with equal deadlines are.
    """

    virtual = True

    def __init__(self) -> None:
        self._micros = time.time_ns() // 1000
        self._armed: list[_Armed] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._micros / MICROS

    def call_at(self, when: float, callback: Callable[[], None]) -> Handle:
        armed = _Armed(_micros(when) / MICROS, next(self._order), callback)
        if armed.when <= self.now():
            asyncio.get_running_loop().call_soon(self._fire, armed)
        else:
            heapq.heappush(self._armed, armed)
        return armed

    def next_due(self) -> float | None:
        """When the next armed callback is due (None: nothing is armed)."""
        while self._armed and self._armed[0].cancelled:
            heapq.heappop(self._armed)
        return self._armed[0].when if self._armed else None

    def jump(self, to: float) -> None:
        """Move the time forward to `to` (never backward); fire what is due by then."""
        self._micros = max(self._micros, _micros(to))
        while (due := self.next_due()) is not None and due <= self.now():
            self._fire(heapq.heappop(self._armed))

    @staticmethod
    def _fire(armed: _Armed) -> None:
        if not armed.cancelled:
            armed.cancelled = True
            armed.callback()
