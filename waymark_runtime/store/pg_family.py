"""An instance's family on PostgreSQL: the rows a transaction that may end instances locks
first, in the order of their ids (`lock_families`), and the open work of instances it ended
(`end_open_work`). Shared by a settling group commit, a cancel and a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class FamilyGrew(Exception):
    """A family member's commit started a child while `lock_families` waited for the rows: the
    new child would be locked after its ancestors, out of the order of ids. The transaction is
    rolled back (it wrote nothing yet: the locks come first) and made again."""


async def lock_families(
    sql: dict[str, str], connection: Any, steps: Sequence[str], settled: Sequence[str],
    *, others_commit: bool,
) -> None:  # fmt: skip
    """Lock `steps`, and of the instances `settled` (that may end in this transaction) each
    one's parent and unfinished blocking descendants, in one statement, in the order of their
    ids; the first statement of its transaction. `others_commit`: other runners may commit
    `settled` themselves (a cancel, a restart), so the family can grow under them too, not only
    under their descendants. `FamilyGrew` when it did (see `family_stable`)."""
    locked = await connection.fetch(sql["lock_families"], steps, settled)
    if not others_commit and not any(row["below"] for row in locked):
        return  # only descendants' commits (and ours) start children in these families
    family = await connection.fetch(sql["lock_families_lean"], steps, settled)
    if not {row["id"] for row in family} <= {row["id"] for row in locked}:
        raise FamilyGrew


async def family_stable(operation: Callable[[], Awaitable[T]]) -> T:
    """`operation`, a transaction that begins with `lock_families`, made again until the family
    it locked stayed whole: each time it grew, a member's commit landed, so this ends as soon
    as the family's runners stop starting children while it waits."""
    while True:
        try:
            return await operation()
        except FamilyGrew:
            continue


async def end_open_work(
    sql: dict[str, str], connection: Any, ended: Sequence[Any], now: float, error: Any
) -> None:
    """Fail the open attempts and delete the pending sleeps of the instances just ended (rows
    with their `id` and `lease_expires_at` before), in a statement of its own: see
    `end_open_work` in queries.sql."""
    if ended:
        await connection.fetch(sql["end_open_work"], [row["id"] for row in ended], now, error,
                               [row["lease_expires_at"] for row in ended])  # fmt: skip
