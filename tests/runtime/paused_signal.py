"""A `start-workers` process that stops itself (SIGSTOP) once, just before it sends the first
group commit that consumes a signal, as a host that freezes at that moment would. Continued
(SIGCONT), it sends that commit.

Usage: python -m tests.runtime.paused_signal (with the environment of `start-workers`).
"""

from __future__ import annotations

import os
import signal
from typing import Any

from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker.cli import main

_commit = PostgresStore.commit
_stopped: list[bool] = []


async def _stop_then_commit(self: PostgresStore, batch: Any, *args: Any) -> set[str]:
    if batch.signal_rows["g"] and not _stopped:
        _stopped.append(True)
        os.kill(os.getpid(), signal.SIGSTOP)
    return await _commit(self, batch, *args)


if __name__ == "__main__":
    PostgresStore.commit = _stop_then_commit  # type: ignore[method-assign]
    main()
