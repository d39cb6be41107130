"""The runner registry of `MemoryStore`: the `waymark_runners` table of `PostgresStore` as a
dict (register, heartbeat, unregister, list with the instances each holds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from waymark_runtime.store.contract import RunnerInfo

_SILENT_FOR = 86_400.0  # as `register_runner`: rows of runners silent for a day go


class RunnerRegistry:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def register(self, runner: RunnerInfo, now: float) -> None:
        self.rows = {k: r for k, r in self.rows.items() if r["heartbeat_at"] >= now - _SILENT_FOR}
        self.rows[runner.id] = {"id": runner.id, "host": runner.host, "pid": runner.pid,
                                "worker_count": runner.worker_count, "started_at": now,
                                "heartbeat_at": now}  # fmt: skip

    def beat(self, runner_id: str, now: float) -> None:
        if runner_id in self.rows:
            self.rows[runner_id]["heartbeat_at"] = now

    def unregister(self, runner_id: str) -> None:
        self.rows.pop(runner_id, None)

    def listed(self, lease_owners: Iterable[str | None]) -> list[dict[str, Any]]:
        """Rows as `list_runners` gives them: newest start first, with instances held."""
        owners = list(lease_owners)
        rows = [{**row, "instances": owners.count(row["id"])} for row in self.rows.values()]
        return sorted(rows, key=lambda row: (-row["started_at"], row["id"]))
