"""Fewer runs of Python's cycle collector while a module compiles.

Compiling builds hundreds of thousands of small objects that live until it ends (libcst's tree
of the module, its positions, the IR). The collector runs after every 700 new objects by
default, and each run that reaches the older generations walks every live object again: on a
`run()` of 10,000 statements that was a third of the compiler's time. While any compilation is
under way the first generation's threshold is raised to `THRESHOLD` (never lowered), and put
back when the last one ends; the objects are still collected, in fewer, larger runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLD = 50_000
"""New objects between two runs of the collector's first generation while compiling."""

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Within it (in any thread, nested or not) the collector runs less often."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            first, second, third = _saved
            gc.set_threshold(max(first, THRESHOLD), second, third)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
