"""Child workflows in `MemoryStore`: the `c` rows of a commit and `settle_children`, as
pure functions over its rows (see `sql/children.sql` for the semantics they follow).

`start_child` creates a child instance and its parent's attempt of the call; `settle` reports
finished children to their parents and cancels the blocking descendants of finished ones.
They return the instances whose rows changed, for the store to queue and notify.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark_runtime.store import memory_inspect
from waymark_runtime.store.memory_rows import AttemptRow, Instance
from waymark_runtime.store.pg_rows import FINISHED

if TYPE_CHECKING:
    from waymark_runtime.store.memory import MemoryStore

Row = dict[str, Any]


def check_children(store: MemoryStore, rows: list[Row]) -> None:
    """Refuse a commit (before it changes anything, as PostgreSQL's statement would fail) that
    starts a child of a workflow with no version to run."""
    for row in rows:
        parent = store.instances.get(row["instance_id"])
        if row["child"] is None or parent is None:
            continue
        if not (parent.pins or {}).get(row["workflow"]) and _latest(store, row["workflow"]) is None:
            raise LookupError(f"workflow {row['workflow']!r} has no registered version")


def start_child(store: MemoryStore, row: Row, now: float) -> Instance | None:
    """The parent's attempt of a child call, and the child (when `row` starts one)."""
    parent = store.instances[row["instance_id"]]
    key = (row["node"], 1)
    if key not in parent.attempts:
        status, value = row["status"], row["value"]
        parent.attempts[key] = AttemptRow(
            node=row["node"], attempt=1, action=row["workflow"], args=[], kwargs=row["inputs"],
            timeout=None, ready_at=now, created=store.next_order(), created_at=now,
            started_at=now, status=status, child_id=row["child"], site=row["site"], iteration=row["iteration"],
            result=value if status == "completed" else None,
            error=value if status == "failed" else None,
            finished_at=None if status == "waiting" else now)  # fmt: skip
    if row["child"] is None or row["child"] in store.instances:
        return None
    version = (parent.pins or {}).get(row["workflow"]) or _latest(store, row["workflow"])
    assert version is not None  # check_children
    child = Instance(
        id=row["child"], workflow_name=row["workflow"], workflow_version=version,
        inputs=row["inputs"], priority=parent.priority, created_at=now, wake_at=now,
        updated_at=now, parent_id=parent.id, parent_node=row["node"], blocking=row["blocking"],
        depth=parent.depth + 1, pins={**(parent.pins or {}), row["workflow"]: version})  # fmt: skip
    store.instances[child.id] = child
    return child


def _latest(store: MemoryStore, workflow: str) -> str | None:
    latest = [version for (name, version) in store.versions if name == workflow]
    return latest[-1] if latest else None


def settle(store: MemoryStore, ids: list[str], now: float, error: Any) -> list[Instance]:
    """`settle_children` for the instances `ids` that finished."""
    finished = [store.instances[i] for i in ids if store.instances[i].status in FINISHED]
    doomed = _blocking_descendants(store, {i.id for i in finished})
    changed: list[Instance] = []
    for child in finished:
        parent = store.instances.get(child.parent_id or "")
        if parent is None or parent.id in doomed or not child.blocking:
            continue
        attempt = parent.attempts.get((child.parent_node or "", 1))
        if attempt is None or attempt.status != "waiting" or attempt.child_id != child.id:
            continue
        ok = child.status == "completed"
        attempt.status, attempt.finished_at = ("completed" if ok else "failed"), now
        attempt.result, attempt.error = child.result, child.error
        if parent.status not in FINISHED:
            parent.event_seq += 1
            parent.updated_at = now
            if parent.lease_owner is None:
                parent.wake_at = now
            changed.append(parent)
    for instance_id in doomed:
        instance = store.instances[instance_id]
        if memory_inspect.cancel(instance, error, now):
            changed.append(instance)
    return changed


def _blocking_descendants(store: MemoryStore, roots: set[str]) -> set[str]:
    """Unfinished blocking children of `roots`, their own, and so on."""
    found: set[str] = set()
    frontier = roots
    while frontier:
        frontier = {i.id for i in store.instances.values()
                    if i.parent_id in frontier and i.blocking and i.status not in FINISHED
                    and i.id not in found}  # fmt: skip
        found |= frontier
    return found
