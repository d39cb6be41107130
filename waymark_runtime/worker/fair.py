"""A queue that takes turns between groups: the pool's pending attempts, one turn per instance.

A gather of 100,000 actions puts 100,000 attempts in the queue in one go; in a plain FIFO an
instance submitted a moment later waits behind all of them. Here each group (an instance) has
its own FIFO and `popleft` serves the groups in rotation, so a job waits for at most one job of
every other group that has work queued — a one-action instance next to a huge gather starts
with the next free worker slot. Within a group the order is kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class FairQueue(Generic[T]):
    """FIFO per group, round-robin between groups; `group_of` names a job's group."""

    def __init__(self, group_of: Callable[[T], Hashable]) -> None:
        self.group_of = group_of
        self.groups: dict[Hashable, deque[T]] = {}
        self.turns: deque[Hashable] = deque()
        self.size = 0

    def append(self, item: T) -> None:
        group = self.group_of(item)
        queue = self.groups.get(group)
        if queue is None:
            self.groups[group] = queue = deque()
            self.turns.append(group)
        queue.append(item)
        self.size += 1

    def popleft(self) -> T:
        """The next job of the group whose turn it is; that group goes to the back."""
        if not self.size:
            raise IndexError("pop from an empty FairQueue")
        group = self.turns.popleft()
        queue = self.groups[group]
        item = queue.popleft()
        self.size -= 1
        if queue:
            self.turns.append(group)
        else:
            del self.groups[group]
        return item

    def keep(self, wanted: Callable[[T], bool]) -> None:
        """Drop every job `wanted` refuses (order within each group and of turns kept)."""
        for group in list(self.turns):
            queue = deque(item for item in self.groups[group] if wanted(item))
            self.size -= len(self.groups[group]) - len(queue)
            if queue:
                self.groups[group] = queue
            else:
                del self.groups[group]
                self.turns.remove(group)

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0

    def __iter__(self) -> Iterator[T]:
        for group in self.turns:
            yield from self.groups[group]
