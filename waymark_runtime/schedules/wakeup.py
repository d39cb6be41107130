"""When the scheduler looks for due schedules: at the next run time, or when told.

Between looks the scheduler does no database work: it sleeps until the earliest run time of an
active schedule (`ScheduleRows.next_due`), and a notification wakes it early: on
`waymark_schedules` (every statement that creates, changes, pauses, resumes or deletes a
schedule notifies it), and on `waymark_done` for an instance that holds back a due schedule
(one without `allow_duplicate` fires once its last instance ends). It hears them on the
runner's own LISTEN connection (`pg_listen.Listener`, one per process: PostgreSQL signals every
listening backend on each NOTIFY), and listens on `waymark_done` only while some instance holds
a schedule back. With nothing due, the listener's connection check is the only periodic query.

A notification can be lost: while the listener's connection is down nothing is heard, so the
scheduler looks every second (or every `WAYMARK_SCHEDULER_POLL_INTERVAL_MS`, if shorter) until
it is back, and once more when it is; a run time ahead is looked at no later than that poll
interval after the last look (default 30 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from waymark_runtime.store.pg_listen import Listener
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
    """The scheduler's sleep between looks, and what cuts it short.

    `listener` is the process's listener, started and closed by its owner (the runner); without
    one the scheduler opens and closes a listener of its own."""

    def __init__(self, dsn: str, poll: float, listener: Listener | None = None) -> None:
        self.poll = poll
        self.event = asyncio.Event()
        self.holders: set[str] = set()
        """Unfinished instances that hold back a due schedule (`waymark_done` for one wakes)."""
        self.owned = listener is None
        self.listener = listener or Listener(dsn, {})
        self.listener.reconnected.append(self.event.set)  # what was sent meanwhile is lost
        self.started = False
        self.hearing_done = False

    async def listen(self) -> None:
        """Start listening, if not yet: a database that cannot be reached now is tried again
        before the next look (meanwhile the scheduler looks every `RETRY_SECONDS`)."""
        if self.started:
            return
        await self.listener.channel(SCHEDULES_CHANNEL, self._changed)
        if self.owned:
            try:
                await asyncio.wait_for(self.listener.start(), _CONNECT_TIMEOUT)
            except Exception as error:  # an outage: the tick that follows reports it
                log.debug("scheduler: cannot listen yet (%s)", error)
                return
        self.started = True

    async def held_back(self, holders: set[str]) -> None:
        """The instances holding back due schedules: `waymark_done` is heard while any do.
        An end before the LISTEN is not heard: the first time, the scheduler looks again."""
        self.holders = holders
        if bool(holders) != self.hearing_done:
            self.hearing_done = bool(holders)
            if holders:
                await self.listener.channel(DONE_CHANNEL, self._done)
                self.event.set()
            else:
                await self.listener.drop(DONE_CHANNEL)

    def delay(self, next_run: float | None, now: float) -> float | None:
        """Seconds until the next look, given the earliest run time not held back (None: only
        when a notification, or the listener's reconnect, says so)."""
        if not (self.started and self.listener.listening()):
            return min(self.poll, RETRY_SECONDS)
        if next_run is None:
            return None
        if next_run <= now:  # due, yet not fired by this scheduler: another one holds it
            return min(self.poll, RETRY_SECONDS)
        return min(self.poll, next_run - now + _LATE)

    async def sleep(self, stop: asyncio.Event, seconds: float | None) -> None:
        """Until `seconds` passed (None: no limit), `stop` is set or a notification says to
        look now."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.event.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def close(self) -> None:
        """Stop hearing what only the scheduler listens for; close an own listener."""
        with contextlib.suppress(Exception):
            if self.owned:
                await self.listener.close()
                return
            with contextlib.suppress(ValueError):
                self.listener.reconnected.remove(self.event.set)
            await self.listener.drop(SCHEDULES_CHANNEL)
            await self.listener.drop(DONE_CHANNEL)

    def _changed(self, payload: str) -> None:
        self.event.set()

    def _done(self, payload: str) -> None:
        if not self.holders:
            return
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            if str(json.loads(payload).get("id")) in self.holders:
                self.event.set()
