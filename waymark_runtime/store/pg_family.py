"""An instance's family on PostgreSQL: the rows a transaction that may end instances locks
first, in the order of their ids (`lock_families`), and the open work of instances it ended
(`end_open_work`). Shared by a settling group commit, a cancel and a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_GROWTHS = 20
"""How many times `family_stable` makes a transaction again, in the order of ids, for its
family's growth before it locks the latecomers where they are found instead."""


class FamilyGrew(Exception):
    """A family member's commit started a child while `lock_families` waited for the rows: the
    new child would be locked after its ancestors, out of the order of ids. The transaction is
    rolled back (it wrote nothing yet: the locks come first) and made again."""


async def lock_families(
    sql: dict[str, str], connection: Any, steps: Sequence[str], settled: Sequence[str],
    *, others_commit: bool, ordered: bool = True, doc: Any = None,
) -> None:  # fmt: skip
    """Lock `steps`, and of the instances `settled` (that may end in this transaction) each
    one's parent and unfinished blocking descendants, in one statement, in the order of their
    ids; the first statement of its transaction. Before the rows it takes the advisory locks
    of the workflow concurrency keys the transaction may admit in: of `settled` and their
    descendants, and of `doc`, the group commit document it writes next (`CommitBatch.params`;
    a restart's new instance as a child call). `others_commit`: other runners may commit
    `settled` themselves (a cancel, a restart), so the family can grow under them too, not only
    under their descendants.

    The family is read again once its rows are held; members a commit started meanwhile raise
    `FamilyGrew` (see `family_stable`), or, not `ordered`, are locked in turn (with their own
    descendants and concurrency keys) until a reading finds none: a child is only started by
    its parent's commit, which writes the parent's row, so once every member is held the family
    cannot grow. Those later locks are out of the order of ids and may meet a transaction
    locking the other way: PostgreSQL aborts one of the two (a deadlock, retried by callers)."""
    locked = await connection.fetch(sql["lock_families"], steps, settled, doc)
    if not others_commit and not any(row["below"] for row in locked):
        return  # only descendants' commits (and ours) start children in these families
    held = {row["id"] for row in locked}
    while True:
        family = await connection.fetch(sql["lock_families_lean"], steps, settled, doc)
        latecomers = [row["id"] for row in family if row["id"] not in held]
        if not latecomers:
            return
        if ordered:
            raise FamilyGrew
        locked = await connection.fetch(sql["lock_families"], [], latecomers, None)
        held |= {row["id"] for row in locked} | set(latecomers)


async def family_stable(operation: Callable[[bool], Awaitable[T]]) -> T:
    """`operation(ordered)`, a transaction that begins with `lock_families(...,
    ordered=ordered)`, made again while the family it locked grew: each time, a member's
    commit landed while it waited. After `_GROWTHS` times it runs once more locking the
    latecomers where it finds them, so a family whose runners start children without pause
    cannot hold it back for ever, and the family is still locked whole before anything is
    written."""
    for _ in range(_GROWTHS):
        try:
            return await operation(True)
        except FamilyGrew:
            continue
    return await operation(False)


async def end_open_work(
    sql: dict[str, str], connection: Any, ended: Sequence[Any], now: float, error: Any
) -> None:
    """Fail the open attempts and delete the pending sleeps of the instances just ended (rows
    with their `id` and `lease_expires_at` before), in a statement of its own: see
    `end_open_work` in queries.sql."""
    if ended:
        await connection.fetch(sql["end_open_work"], [row["id"] for row in ended], now, error,
                               [row["lease_expires_at"] for row in ended])  # fmt: skip
