"""Worker replies left unread while nothing would act on them: one wake-up reads many.

A runner that steps an I/O-bound gather puts off the steps that only collect its results
(`pacing.py`): a reply read in the meantime is taken in and then waits. Reading it still wakes
the runner, once per frame, and a wake-up costs more CPU than the reply's own work. So while
every attempt on the workers belongs to an instance whose step would be put off, the runner
`hush`es its pool until the earliest time one of those steps could be taken: the reply pipes
are not read (their transports are paused), replies pile up in them, and are read in one go
when the hush ends (a timer, due with the put-off step's own).

Replies that something waits on do not wait: a worker also writes a byte to a pipe of its own
(the `urgent` pipe, always read) for each frame with a reply that is not a success, and for
each question to the runner (a lease renewal), and that byte ends the hush at once. A worker
that dies closes its urgent pipe, which ends the hush too, so its loss is seen at once.
Anything the runner does that may change what waits (new orders, a withdrawal, a stop) ends it
as well.

A byte can come before its frame is read (the worker's frame may still be on its way, behind
successes in a full pipe), so ending the hush is not enough: no new hush begins while a worker
is owed the read of an urgent frame it announced (`owed`: bytes heard less urgent frames read,
`answered`), nor while a worker whose urgent pipe closed is still watched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Hashable

URGENT = b"!"
"""What a worker writes to its urgent pipe: read the reply pipe now."""


class Hush:
    """The reply pipes of a pool's workers, and whether they are being left unread."""

    def __init__(self) -> None:
        self.pipes: dict[Hashable, tuple[asyncio.ReadTransport, int]] = {}
        self.ends: asyncio.TimerHandle | None = None
        self.owed: dict[Hashable, int] = {}
        """Per worker: urgent frames announced (a byte each) less those read (`answered`); a
        frame read before its byte makes it negative for a moment."""
        self.gone: set[Hashable] = set()
        """Workers whose urgent pipe closed (they died or exit), until `forget`."""

    @property
    def hushed(self) -> bool:
        return self.ends is not None

    @property
    def awaited(self) -> bool:
        """Something a worker said is still to be read: no hush may begin."""
        return bool(self.gone) or any(owed > 0 for owed in self.owed.values())

    def answered(self, worker: Hashable) -> None:
        """The runner has read one urgent frame of `worker` (a reply that is not a success,
        or a question)."""
        self.owed[worker] = self.owed.get(worker, 0) - 1

    def watch(self, worker: Hashable, replies: asyncio.ReadTransport, urgent_fd: int) -> None:
        """Take a new worker's reply transport and the read end of its urgent pipe (owned
        from here on: closed by `forget`). It is read until the next hush: nothing of it
        was in flight when the current one began."""
        os.set_blocking(urgent_fd, False)
        self.pipes[worker] = (replies, urgent_fd)
        asyncio.get_running_loop().add_reader(urgent_fd, self._urgent, worker)

    def forget(self, worker: Hashable) -> None:
        """The worker is gone: stop watching its urgent pipe, and close it."""
        pipes = self.pipes.pop(worker, None)
        self.owed.pop(worker, None)
        self.gone.discard(worker)
        if pipes is not None:
            asyncio.get_running_loop().remove_reader(pipes[1])
            os.close(pipes[1])

    def until(self, when: float) -> None:
        """Leave every reply pipe unread until `when` (`time.monotonic()`), or until a worker
        says something waits (`_urgent`) or `lift` is called."""
        delay = when - time.monotonic()
        if delay <= 0 or self.awaited:
            self.lift()
            return
        if self.ends is not None:
            self.ends.cancel()
        else:
            for replies, _ in self.pipes.values():
                replies.pause_reading()
        self.ends = asyncio.get_running_loop().call_later(delay, self.lift)

    def lift(self) -> None:
        """Read the reply pipes again (what piled up is read in the loop's next turn)."""
        if self.ends is None:
            return
        self.ends.cancel()
        self.ends = None
        for replies, _ in self.pipes.values():
            if not replies.is_closing():
                replies.resume_reading()

    def _urgent(self, worker: Hashable) -> None:
        fd = self.pipes[worker][1]
        with contextlib.suppress(BlockingIOError):
            heard = os.read(fd, 4096)
            if heard:
                self.owed[worker] = self.owed.get(worker, 0) + len(heard)
            else:  # the worker is gone: its reply pipe's end is news
                asyncio.get_running_loop().remove_reader(fd)
                self.gone.add(worker)
        self.lift()


def signal_urgent(fd: int | None, frames: int = 1) -> None:
    """The worker side: tell the runner to read the reply pipe now, where `frames` urgent
    frames are on their way (a full urgent pipe means the runner is not running its loop at
    all; a runner gone is seen on the reply pipe)."""
    if fd is not None and frames > 0:
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(fd, URGENT * frames)
