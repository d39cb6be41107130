"""`hasattr` on a property whose body raises `AttributeError` is False."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow


@dataclass
class Ticket:
    title: str
    assignee: dict | None = None

    @property
    def owner_email(self) -> str:
        if self.assignee is None:
            raise AttributeError("ticket has no assignee")
        return self.assignee["email"]


@action
async def open_ticket(title: str) -> str:
    return title


@workflow
class Escalate(Workflow):
    async def run(self, title: str) -> list:
        t = Ticket(await open_ticket(title))
        return [hasattr(t, "owner_email"), getattr(t, "owner_email", "unassigned")]
