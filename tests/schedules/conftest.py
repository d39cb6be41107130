"""Fixtures of the schedule tests: the runtime's PostgreSQL fixtures, and a pinned clock.

`clock` replaces the store's clock (`postgres.now`), the one every schedule operation and the
scheduler read, so a test moves time by hand and nothing depends on the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.runtime.conftest import database, pg_server, store, worker_env
from tests.schedules.support import PinnedClock
from waymark_runtime.schedules import Schedules
from waymark_runtime.store import postgres
from waymark_runtime.store.postgres import PostgresStore

__all__ = ["clock", "database", "pg_server", "schedules", "store", "worker_env"]

# Saturday 2024-03-09 12:07:30 UTC: the night after, New York moves its clocks forward.
T0 = datetime(2024, 3, 9, 12, 7, 30, tzinfo=UTC).timestamp()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> PinnedClock:
    pinned = PinnedClock(T0)
    monkeypatch.setattr(postgres, "now", pinned)
    return pinned


@pytest.fixture
def schedules(store: PostgresStore, clock: PinnedClock) -> Schedules:
    return Schedules(store)
