"""Payment webhooks carry epoch seconds: `datetime.fromtimestamp(ts, tz=...)` reads them and
`moment.timestamp()` of a datetime with a zone writes them back, as API clients do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from waymark import Workflow, action, workflow

GRACE = timedelta(days=3)


@action
async def fetch_events(customer: str) -> list[dict[str, Any]]:
    return [
        {"type": "invoice.created", "created": 1709251200, "due": 1709856000.5},
        {"type": "invoice.paid", "created": 1709942400, "due": None},
        {"type": "invoice.created", "created": 1711929600, "due": 1712534400},
    ]


@workflow
class OverdueInvoices(Workflow):
    async def run(self, customer: str, zone: str) -> dict[str, Any]:
        local = ZoneInfo(zone)
        events = await fetch_events(customer)
        paid_at = [
            datetime.fromtimestamp(e["created"], tz=UTC)
            for e in events
            if e["type"] == "invoice.paid"
        ]
        overdue: list[str] = []
        for event in events:
            if event["due"] is None:
                continue
            due = datetime.fromtimestamp(event["due"], local)
            if not any(p <= due + GRACE for p in paid_at):
                overdue.append(f"{due:%Y-%m-%d %H:%M %Z} ({int((due + GRACE).timestamp())})")
        return {"overdue": overdue, "first": paid_at[0], "epoch": paid_at[0].timestamp()}
