"""Which child workflows have a registered version, looked up before a step that may call them.

`ChildLookup` keeps the workflow names found with a version (versions are never deleted, so a
found name is known for good) and, by program, the names a program can call as children. It
only reads the store; `changes.prepare` is what refuses a call of a workflow with no version.
"""

from __future__ import annotations

import functools

from waymark_runtime.engine import ProgramCache
from waymark_runtime.held import Held
from waymark_runtime.retrying import retrying
from waymark_runtime.store.contract import RunnerStore


class ChildLookup:
    """The runner's lookups of child workflows, shared by all the instances it holds."""

    def __init__(self, store: RunnerStore, programs: ProgramCache, held: dict[str, Held]) -> None:
        self.store = store
        self.programs = programs
        self.held = held  # the runner's instances (the same dict)
        self.registered: set[str] = set()  # workflows found with a version (none is deleted)

    async def known(self, held: Held) -> bool:
        """Before a step, look up the child workflows its program can call that neither the
        instance's pins nor an earlier lookup found (a found name is known for good: versions
        are never deleted), so `prepare` refuses a call of one with no version. The step comes
        after the lookup, so what arrives meanwhile is stepped with it. False when the instance
        was let go meanwhile."""
        unknown = self.unknown(held)
        if not unknown:
            return True
        lookup = functools.partial(self.store.registered_workflows, unknown)
        self.registered.update(await retrying("workflow lookup", lookup))
        return self.held.get(held.id) is held

    def unknown(self, held: Held) -> frozenset[str]:
        """The child workflows the instance's program can call that neither its pins nor an
        earlier lookup found: empty when its next step needs no lookup."""
        return self._child_workflows(held) - held.claimed.family.pins.keys() - self.registered

    def _child_workflows(self, held: Held) -> frozenset[str]:
        try:
            return self.programs.children(held.claimed)
        except Exception:  # a program that does not load fails its instance in the step
            return frozenset()
