"""Importing the user's modules (the flow file of `waymark run`, `WAYMARK_USER_MODULE` of
`start-workers` and its workers) without letting them end the process silently.

`sys.exit()` at import raises `SystemExit`, which the importer reports like any exception. An
`os._exit()` ends the process on the spot, skipping every handler: while a module is imported,
`os._exit` (and `posix._exit`) of this process are replaced by a guard that turns the call into
`ImportExit`, which the importer reports as it reports any exception. A process the import
forks keeps the real function. Anything else that ends the process (a signal, `exec`, an exit
in C) is not seen.
"""

from __future__ import annotations

import os
import posix
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


class ImportExit(BaseException):
    """The imported file called `os._exit(status)`."""

    def __init__(self, status: int) -> None:
        super().__init__(f"it called os._exit({status}) while being imported")
        self.status = status


@contextmanager
def exits_refused(module: str) -> Iterator[None]:
    """While the block runs, `os._exit` in this process raises `ImportExit` (in the main
    thread) or reports the exit and ends the process with status 1 (in another thread)."""
    real = os._exit
    pid = os.getpid()

    def guard(status: int) -> NoReturn:
        if os.getpid() != pid:  # a child the import forked: its exit is its own
            real(status)
        if threading.current_thread() is threading.main_thread():
            raise ImportExit(status)
        print(
            f"error: cannot import {module}: a thread called os._exit({status}) while it was"
            " imported",
            file=sys.stderr,
            flush=True,
        )
        real(1)

    os._exit = posix._exit = guard
    try:
        yield
    finally:
        os._exit = posix._exit = real
