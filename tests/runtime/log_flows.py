"""Workflows that write to their instance's log with `self.log`, for tests/runtime/test_workflow_log.py.

Their actions live in `runtime_flows` (the module worker processes import), so these workflows
run on any runner of the runtime tests.
"""

from __future__ import annotations

import logging

from tests.runtime.runtime_flows import noop, recorded
from waymark import Workflow, workflow

logger = logging.getLogger(__name__)


@workflow
class Charged(Workflow):
    """Every level, `%` arguments, a mapping argument, an f-string, a helper's line, a message
    that does not format (kept with the reason, as `logging` keeps the program running)."""

    async def run(self, order_id: str, amount: int) -> int:
        self.log.info("charging %s for %d", order_id, amount)
        total = await noop(amount)
        self.log.warning(f"charged {order_id}: {total!r}")
        self.note({"order": order_id, "total": total})
        if total > 100:
            self.log.error("large order %(order)s", {"order": order_id})
        self.log.debug("%d%% done", 100)
        self.log.critical("%d apples", "no")
        return total

    def note(self, facts: dict[str, object]) -> None:
        self.log.info("facts %s", facts)


@workflow
class LoggedRecorded(Workflow):
    """`runtime_flows.Recorded` with a log line before, between and after its actions."""

    async def run(self, tag: str, count: int, seconds: float) -> list[str]:
        self.log.info("start %s", tag)
        done = []
        for i in range(count):
            key = await recorded(f"{tag}/{i}", seconds)
            self.log.info("recorded %s", key)
            done.append(key)
        self.log.info("done %s", tag)
        return done


@workflow
class Shouting(Workflow):
    """Logs whatever it is given: a message with markup, control characters or bidi marks."""

    async def run(self, text: str) -> str:
        self.log.warning("said: %s", text)
        return text


@workflow
class ModuleLogger(Workflow):
    """Logs through the module's `logging.getLogger(__name__)`, in `run()` and a helper."""

    async def run(self, order_id: str) -> str:
        logger.info("checking %s", order_id)
        await noop(1)
        self.checked(order_id)
        return order_id

    def checked(self, order_id: str) -> None:
        logger.warning(f"checked {order_id}")
