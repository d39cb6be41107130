"""Signals in `MemoryStore`: sending one, the signal rows of a commit, and what a claim and
an inspection see, with the semantics of `sql/signals.sql` (and migration 0012's tables).

`Signals` keeps, per instance, the signals sent to it (FIFO by id) and its signal waits. The
store calls it; it returns the instances whose wake-up changed, for the store to queue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import SendIdReused

if TYPE_CHECKING:
    from waymark_runtime.store.memory_rows import Instance

Row = dict[str, Any]


@dataclass(slots=True, kw_only=True)
class _Signal:
    id: int
    name: str
    payload: Any
    sent_at: float
    consumed_at: float | None = None
    node: str | None = None


@dataclass(slots=True, kw_only=True)
class _Wait:
    node: str
    name: str
    site: str | None
    iteration: Any
    created_at: float
    finished_at: float | None = None


@dataclass(slots=True)
class _Box:
    signals: list[_Signal] = field(default_factory=list)
    waits: dict[str, _Wait] = field(default_factory=dict)
    sends: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """The name and payload of each send id kept."""

    def oldest(self, name: str) -> _Signal | None:
        return next((s for s in self.signals if s.name == name and s.consumed_at is None), None)

    def pending(self, name: str | None = None) -> list[_Wait]:
        return [w for w in self.waits.values()
                if w.finished_at is None and name in (None, w.name)]  # fmt: skip


class Signals:
    """Every instance's signals and waits."""

    def __init__(self) -> None:
        self.boxes: dict[str, _Box] = {}
        self._ids = itertools.count(1)

    def sent(self, instance_id: str, send_id: str, name: str, payload: Any) -> bool:
        """Whether the signal of `send_id` was kept (this send is made again);
        `SendIdReused` when it was kept with another name or payload."""
        box = self.boxes.get(instance_id)
        if box is None or send_id not in box.sends:
            return False
        kept_name, kept_payload = box.sends[send_id]
        if kept_name != name or not _same_json(kept_payload, payload):
            raise SendIdReused(instance_id, send_id)
        return True

    def send(
        self, instance: Instance, name: str, payload: Any, now: float, send_id: str | None
    ) -> bool:
        """`send_signal`: keep the signal and wake the instance; True when it wakes now."""
        box = self.boxes.setdefault(instance.id, _Box())
        if send_id is not None:
            box.sends[send_id] = (name, payload)
        box.signals.append(_Signal(id=next(self._ids), name=name, payload=payload, sent_at=now))
        instance.event_seq += 1
        instance.updated_at = now
        if instance.lease_owner is None and box.pending(name):
            instance.wake_at = now
            return True
        return False

    def claim_rows(self, instance_id: str) -> list[dict[str, Any]]:
        """The `waits` column of `claim_instances`: each pending wait with the oldest
        unconsumed signal of its name (id and payload), or None for both."""
        box = self.boxes.get(instance_id)
        if box is None:
            return []
        rows = []
        for wait in box.pending():
            signal = box.oldest(wait.name)
            rows.append({"node": wait.node, "name": wait.name,
                         "signal": None if signal is None else signal.id,
                         "payload": None if signal is None else signal.payload,
                         "started_at": wait.created_at, "site": wait.site})  # fmt: skip
        return rows

    def commit(self, document: dict[str, list[Row]], kept: set[str], now: float) -> set[str]:
        """`commit_signals` for the instances in `kept`; returns the instances whose new wait
        has a signal already there (runnable now, if released)."""
        for row in document["e"]:
            if row["instance_id"] in kept:
                wait = self._box(row).waits.get(row["node"])
                if wait is not None and wait.finished_at is None:
                    wait.finished_at = now
        for row in document["g"]:
            if row["instance_id"] in kept:
                self._consume(self._box(row), row, now)
        ready: set[str] = set()
        for row in document["w"]:
            if row["instance_id"] not in kept:
                continue
            box = self._box(row)
            box.waits.setdefault(row["node"], _Wait(node=row["node"], name=row["name"],
                                                    site=row["site"], iteration=row["iteration"],
                                                    created_at=now))  # fmt: skip
            if box.oldest(row["name"]) is not None:
                ready.add(row["instance_id"])
        return ready

    def _box(self, row: Row) -> _Box:
        return self.boxes.setdefault(row["instance_id"], _Box())

    @staticmethod
    def _consume(box: _Box, row: Row, now: float) -> None:
        for signal in box.signals:
            if signal.id == row["signal"] and signal.consumed_at is None:
                signal.consumed_at, signal.node = now, row["node"]

    def rows(self, instance_id: str, finished_at: float | None) -> list[Row]:
        """`instance_signals`: waits and signals, oldest first; a wait ends at the latest
        when its instance finished (`finished_at`)."""
        box = self.boxes.get(instance_id) or _Box()
        found = [({"kind": "wait", "node": w.node, "name": w.name, "payload": None,
                   "site": w.site, "iteration": w.iteration, "at": w.created_at,
                   "done": w.finished_at if w.finished_at is not None else finished_at}, 0)
                 for w in box.waits.values()]  # fmt: skip
        found += [({"kind": "signal", "node": s.node, "name": s.name, "payload": s.payload,
                    "site": None, "iteration": None, "at": s.sent_at,
                    "done": s.consumed_at}, s.id) for s in box.signals]  # fmt: skip
        found.sort(key=lambda pair: (pair[0]["at"], pair[1]))
        return [row for row, _ in found]

    def forget(self, instance_id: str) -> None:
        self.boxes.pop(instance_id, None)


def _same_json(a: Any, b: Any) -> bool:
    """JSON-shaped `a` and `b` are one document as PostgreSQL's `jsonb` compares them: numbers
    by value (1 is 1.0), but a boolean is never a number (`True == 1` in Python)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same_json, a, b))
    return bool(a == b)
