"""`Releases`: the slots of limited actions given back once their executions have stopped.

A cancel (or a deadline, or a parent's end) fails an instance's running attempts at once, and
an instance that finishes while attempts of it still run ends them with it (`abandoned`); a
worker may still execute them, so an attempt of a limited action keeps its slot until the
claim's lease would lapse (`slot_until`). The runner that dispatched it knows sooner: its pool
reports each execution of a limited action that ends, never starts, or dies with its process
(`Reports.on_ended`), and the runner frees those slots at once (`release_slots`, fenced by the
claim's epoch). An execution that has not stopped — its worker is frozen (SIGSTOP), its action
caught the cancellation and goes on — is never reported, and keeps its slot until the lease.

An execution that ends while its instance is still held is remembered on it (`Held.stopped`)
until a commit records its result or the attempt is sent to a worker again (a lost one run
again): should the claim be lost first (a cancel), or the instance finish with it abandoned,
its slot is freed then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable
from typing import Any, cast

from waymark_runtime.held import Held
from waymark_runtime.retrying import guarded
from waymark_runtime.store.contract import RunnerStore

Ended = tuple[str, int, str, int]
"""(instance id, claim epoch, node, attempt): an attempt whose execution stopped."""


class Releases:
    """Frees the slots held past their attempts' end once those executions stopped."""

    def __init__(self, store: RunnerStore, held: dict[str, Held]) -> None:
        self.store = store
        self.held = held  # the runner's instances (the same dict)
        self.tasks: set[asyncio.Task[None]] = set()

    def ended(self, keys: list[Hashable]) -> None:
        """The pool's report: these executions stopped. Those of a claim this runner no longer
        holds are freed now; the others wait on their instance (`settle`, `committed`)."""
        now = []
        for key in cast(list[Ended], keys):
            held = self.held.get(key[0])
            if held is not None and held.epoch == key[1]:
                held.stopped.add((key[2], key[3]))
            else:
                now.append(key)
        self._release(now)

    def settle(self, held: Held) -> None:
        """`held`'s claim is gone (a cancel, a reclaim), or it finished abandoning running
        attempts: free the slots of its executions that stopped while it was held."""
        self._release([(held.id, held.epoch, node, number) for node, number in held.stopped])
        held.stopped.clear()

    def committed(self, ops: Iterable[dict[str, Any]], kept: set[str]) -> None:
        """A commit recorded these attempt ops (`CommitBatch` "o" rows): the attempts that
        ended in it, not abandoned, hold no slot past their end any more."""
        for op in ops:
            held = self.held.get(op["instance_id"])
            if held is not None and held.stopped and op["instance_id"] in kept \
                    and not op.get("abandoned"):  # fmt: skip
                held.stopped.discard((op["node"], op["attempt"]))

    def _release(self, ended: list[Ended]) -> None:
        if not ended:
            return
        task = asyncio.ensure_future(
            guarded("slots released", lambda: self.store.release_slots(ended))
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
