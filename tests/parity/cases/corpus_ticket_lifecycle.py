"""A support ticket's lifecycle as an event-sourced state machine: events from the help desk
folded over the ticket with `match` on dataclass events (class patterns, guards, or-patterns,
mapping patterns for raw webhooks), invalid transitions collected instead of crashing, and
the escalation notice sent from the final state."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from waymark import Workflow, action, workflow


class Status(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    WAITING = "waiting"
    SOLVED = "solved"
    CLOSED = "closed"


@dataclass(frozen=True)
class Assign:
    agent: str


@dataclass(frozen=True)
class Reply:
    author: str
    public: bool = True


@dataclass(frozen=True)
class Resolve:
    reason: str


@dataclass(frozen=True)
class Reopen:
    pass


@dataclass(frozen=True)
class Ticket:
    id: str
    status: Status = Status.NEW
    agent: str | None = None
    replies: int = 0
    reopened: int = 0


class InvalidTransition(Exception):
    pass


@action
async def load_events(ticket_id: str) -> list[dict[str, Any]]:
    base: list[dict[str, Any]] = [
        {"type": "assign", "agent": "ana"},
        {"type": "reply", "author": "ana"},
        {"type": "reply", "author": "customer"},
        {"type": "resolve", "reason": "fixed"},
        {"type": "reopen"},
        {"type": "reply", "author": "ana", "public": False},
        {"type": "resolve", "reason": "duplicate"},
        {"type": "close"},
    ]
    if ticket_id.endswith("-bad"):
        base.insert(0, {"type": "resolve", "reason": "too early"})
        base.append({"type": "teleport", "to": "mars"})
    return base


@action
async def notify(ticket_id: str, text: str) -> str:
    return f"sent to #{ticket_id}: {text}"


def decode(raw: dict[str, Any]) -> object:
    match raw:
        case {"type": "assign", "agent": str(agent)}:
            return Assign(agent)
        case {"type": "reply", "author": author, **rest}:
            return Reply(author, rest.get("public", True))
        case {"type": "resolve", "reason": reason}:
            return Resolve(reason)
        case {"type": "reopen"}:
            return Reopen()
        case {"type": "close"}:
            return "close"
        case {"type": kind}:
            raise InvalidTransition(f"unknown event {kind!r}")
    raise InvalidTransition("malformed event")


def apply(ticket: Ticket, event: object) -> Ticket:
    match (ticket.status, event):
        case (Status.NEW | Status.TRIAGED, Assign(agent=agent)):
            return replace(ticket, status=Status.TRIAGED, agent=agent)
        case (Status.TRIAGED | Status.WAITING, Reply(author=author, public=True)) if (
            author == ticket.agent
        ):
            return replace(ticket, status=Status.WAITING, replies=ticket.replies + 1)
        case (Status.WAITING, Reply(public=True)):
            return replace(ticket, status=Status.TRIAGED, replies=ticket.replies + 1)
        case (_, Reply(public=False)):
            return ticket
        case (Status.TRIAGED | Status.WAITING, Resolve()):
            return replace(ticket, status=Status.SOLVED)
        case (Status.SOLVED, Reopen()):
            return replace(ticket, status=Status.TRIAGED, reopened=ticket.reopened + 1)
        case (Status.SOLVED, "close"):
            return replace(ticket, status=Status.CLOSED)
        case (status, other):
            raise InvalidTransition(f"{type(other).__name__} not allowed in {status}")


@workflow
class TicketLifecycle(Workflow):
    async def run(self, ticket_id: str) -> dict[str, object]:
        ticket = Ticket(ticket_id)
        history = [str(ticket.status)]
        problems: list[str] = []
        for raw in await load_events(ticket_id):
            try:
                ticket = apply(ticket, decode(raw))
            except InvalidTransition as error:
                problems.append(str(error))
                continue
            if history[-1] != ticket.status:
                history.append(ticket.status.value)
        sent = None
        if ticket.reopened or problems:
            sent = await notify(
                ticket_id, f"{ticket.status.upper()} after {ticket.reopened} reopen(s)"
            )
        return {
            "ticket": ticket,
            "history": " → ".join(history),
            "problems": problems,
            "sent": sent,
        }
