"""When the scheduler looks for due schedules: at the next run time, or when told.

Between looks the scheduler does no database work: it sleeps until the earliest run time of an
active schedule (`ScheduleRows.next_due`), and a LISTEN connection wakes it early on
`waymark_schedules` (every statement that creates, changes, pauses, resumes or deletes a
schedule notifies it) and on `waymark_done` for an instance that holds back a due schedule
(one without `allow_duplicate` fires once its last instance ends). A notification can be lost:
while the listener's connection is down nothing is heard, so the scheduler looks every second
until it is back (and once more when it is); and a slow poll every
`WAYMARK_SCHEDULER_POLL_INTERVAL_MS` (default 30 s) bounds what anything unheard can delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from waymark_runtime.store.pg_listen import Callback, Listener
from waymark_runtime.store.pg_waiters import DONE_CHANNEL

__all__ = ["RETRY_SECONDS", "SCHEDULES_CHANNEL", "Wakeup"]

log = logging.getLogger("waymark.scheduler")

SCHEDULES_CHANNEL = "waymark_schedules"
RETRY_SECONDS = 1.0
"""How soon the scheduler looks again when it cannot rely on a run time or a notification: a
due schedule it did not fire (another scheduler holds it), a failed look, no listener."""
_LATE = 0.001  # a timer may fire a clock tick early: look just after the run time
_CONNECT_TIMEOUT = 5.0


class Wakeup:
    """The scheduler's sleep between looks, and what cuts it short."""

    def __init__(self, dsn: str, poll: float) -> None:
        self.poll = poll
        self.event = asyncio.Event()
        self.holders: set[str] = set()
        """Unfinished instances that hold back a due schedule (`waymark_done` for one wakes)."""
        channels: dict[str, Callback] = {SCHEDULES_CHANNEL: self._changed, DONE_CHANNEL: self._done}
        self.listener = Listener(dsn, channels, self.event.set)
        self.started = False

    async def listen(self) -> None:
        """Start listening, if not yet: a database that cannot be reached now is tried again
        before the next look (meanwhile the scheduler looks every `RETRY_SECONDS`)."""
        if self.started:
            return
        try:
            await asyncio.wait_for(self.listener.start(), _CONNECT_TIMEOUT)
        except Exception as error:  # an outage: the tick that follows reports it
            log.debug("scheduler: cannot listen yet (%s)", error)
            return
        self.started = True

    def delay(self, next_run: float | None, now: float) -> float:
        """Seconds until the next look, given the earliest run time not held back."""
        if not (self.started and self.listener.listening()):
            return min(self.poll, RETRY_SECONDS)
        if next_run is None:
            return self.poll
        if next_run <= now:  # due, yet not fired by this scheduler: another one holds it
            return min(self.poll, RETRY_SECONDS)
        return min(self.poll, next_run - now + _LATE)

    async def sleep(self, stop: asyncio.Event, seconds: float) -> None:
        """Until `seconds` passed, `stop` is set or a notification says to look now."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.event.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.listener.close()

    def _changed(self, payload: str) -> None:
        self.event.set()

    def _done(self, payload: str) -> None:
        if not self.holders:
            return
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            if str(json.loads(payload).get("id")) in self.holders:
                self.event.set()
