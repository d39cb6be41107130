"""A store for a runner dedicated to given instances (`waymark run`).

`waymark run` starts a runner inside the command; it must run that command's instance only,
never other instances queued in the same database, whose actions this process may not have
loaded. Imported lazily: it pulls in asyncpg, which `waymark --help` should not wait for.
"""

from __future__ import annotations

from waymark_runtime.store.postgres import Claim, PostgresStore


class FocusedStore(PostgresStore):
    """A `PostgresStore` whose `claim` only leases the instances in `focus`."""

    focus: tuple[str, ...] = ()

    async def claim(self, owner: str, limit: int, now: float, lease: float) -> list[Claim]:
        return await self.claim_among(self.focus, owner, limit, now, lease)
