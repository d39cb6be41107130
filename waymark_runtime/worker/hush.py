"""Worker replies left unread while nothing would act on them: one wake-up reads many.

A runner that steps an I/O-bound gather puts off the steps that only collect its results
(`pacing.py`): a reply read in the meantime is taken in and then waits. Reading it still wakes
the runner, once per frame, and a wake-up costs more CPU than the reply's own work. So while
every attempt on the workers belongs to an instance whose step would be put off, the runner
`hush`es its pool until the earliest time one of those steps could be taken: the reply pipes
are not read (their transports are paused), replies pile up in them, and are read in one go
when the hush ends (a timer, due with the put-off step's own).

Replies that something waits on do not wait: a worker also writes a byte to a pipe of its own
(the `urgent` pipe, always read) after a frame with a reply that is not a success, and after
a question to the runner (a lease renewal), and that byte ends the hush at once. A worker that
dies closes its urgent pipe, which ends the hush too, so its loss is seen at once. Anything the
runner does that may change what waits (new orders, a withdrawal, a stop) ends it as well.
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

    @property
    def hushed(self) -> bool:
        return self.ends is not None

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
        if pipes is not None:
            asyncio.get_running_loop().remove_reader(pipes[1])
            os.close(pipes[1])

    def until(self, when: float) -> None:
        """Leave every reply pipe unread until `when` (`time.monotonic()`), or until a worker
        says something waits (`_urgent`) or `lift` is called."""
        delay = when - time.monotonic()
        if delay <= 0:
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
            if not os.read(fd, 4096):  # the worker is gone: its reply pipe's end is news
                asyncio.get_running_loop().remove_reader(fd)
        self.lift()


def signal_urgent(fd: int | None) -> None:
    """The worker side: tell the runner to read the reply pipe now (a full pipe already says
    so; a runner gone is seen on the reply pipe)."""
    if fd is not None:
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(fd, URGENT)
