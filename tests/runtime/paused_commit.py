"""A `start-workers` process that stops itself (SIGSTOP) once, in the first group commit that
ends an instance with a parent or children, after it locked that family (`lock_families`: row
locks and concurrency-key advisory locks held) and before it wrote the commit, as a host that
freezes at that moment would. Continued (SIGCONT), it goes on with that commit.

Usage: python -m tests.runtime.paused_commit (with the environment of `start-workers`).
"""

from __future__ import annotations

import os
import signal
from typing import Any

from waymark_runtime.store import postgres
from waymark_runtime.worker.cli import main

_lock_families = postgres.lock_families
_stopped: list[bool] = []


async def _lock_then_stop(*args: Any, **kwargs: Any) -> None:
    await _lock_families(*args, **kwargs)
    if not _stopped:
        _stopped.append(True)
        os.kill(os.getpid(), signal.SIGSTOP)


if __name__ == "__main__":
    postgres.lock_families = _lock_then_stop  # type: ignore[assignment]
    main()
