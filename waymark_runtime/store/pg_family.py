"""An instance's family on PostgreSQL: the rows a transaction that may end instances locks
first, in the order of their ids (`lock_families`), and the open work of instances it ended
(`end_open_work`). Shared by a settling group commit, a cancel and a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_GROWTHS = 20
"""How many times `family_stable` makes a transaction again for its family's growth."""


class FamilyGrew(Exception):
    """A family member's commit started a child while `lock_families` waited for the rows: the
    new child would be locked after its ancestors, out of the order of ids. The transaction is
    rolled back (it wrote nothing yet: the locks come first) and made again."""


async def lock_families(
    sql: dict[str, str], connection: Any, steps: Sequence[str], settled: Sequence[str],
    *, others_commit: bool, check: bool = True, doc: Any = None,
) -> None:  # fmt: skip
    """Lock `steps`, and of the instances `settled` (that may end in this transaction) each
    one's parent and unfinished blocking descendants, in one statement, in the order of their
    ids; the first statement of its transaction. Before the rows it takes the advisory locks
    of the workflow concurrency keys the transaction may admit in: of `settled` and their
    descendants, and of `doc`, the group commit document it writes next (`CommitBatch.params`;
    a restart's new instance as a child call). `others_commit`: other runners may commit
    `settled` themselves (a cancel, a restart), so the family can grow under them too, not only
    under their descendants. `FamilyGrew` when it did (see `family_stable`), unless not
    `check`."""
    locked = await connection.fetch(sql["lock_families"], steps, settled, doc)
    if not check or (not others_commit and not any(row["below"] for row in locked)):
        return  # only descendants' commits (and ours) start children in these families
    family = await connection.fetch(sql["lock_families_lean"], steps, settled, doc)
    if not {row["id"] for row in family} <= {row["id"] for row in locked}:
        raise FamilyGrew


async def family_stable(operation: Callable[[bool], Awaitable[T]]) -> T:
    """`operation(check)`, a transaction that begins with `lock_families(..., check=check)`,
    made again while the family it locked grew: each time, a member's commit landed while it
    waited. After `_GROWTHS` times it runs once more without the check, so a family whose
    runners start children without pause cannot hold it back for ever: a child locked out of
    order then may deadlock, which PostgreSQL breaks and the caller's retry makes again."""
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
