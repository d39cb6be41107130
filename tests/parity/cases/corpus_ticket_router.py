"""Support ticket triage: inbound messages from several channels are parsed into structured
events with `match` (mapping, class, sequence and or-patterns with guards), routed to queues,
auto-replies rendered from string templates, and SLA deadlines computed per priority."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from string import Template

from waymark import Workflow, action, workflow

REPLY = Template("Hi $name, we got your $kind (ref $ref). Expect an answer within ${hours}h.")
SLA_HOURS = {"p1": 1, "p2": 8, "p3": 48}
ORDER_REF = re.compile(r"\b(?P<prefix>[A-Z]{2})-(?P<number>\d{4,})\b")


@dataclass
class Email:
    sender: str
    subject: str
    body: str


@dataclass
class Chat:
    user: str
    lines: list[str]


@action
async def inbox() -> list[dict[str, object]]:
    return [
        {"channel": "email", "sender": "ann@x.io", "subject": "URGENT: site down", "body": "help"},
        {"channel": "email", "sender": "bo@x.io", "subject": "Refund OR-12345", "body": "pls"},
        {"channel": "chat", "user": "cy", "lines": ["hi", "where is OR-99881?"]},
        {"channel": "chat", "user": "dee", "lines": []},
        {"channel": "sms", "from": "+4912345", "text": "STOP"},
        {"channel": "sms", "from": "+4912345", "text": "call me"},
        {"channel": "fax"},
    ]


@action
async def enqueue(queue: str, ticket: dict[str, object]) -> str:
    return f"{queue}#{len(str(ticket)) % 97}"


@action
async def send_reply(to: str, text: str) -> None:
    return None


def parse(raw: dict[str, object]) -> Email | Chat | str:
    match raw:
        case {"channel": "email", "sender": str(sender), "subject": str(subject), **rest}:
            return Email(sender, subject, str(rest.get("body", "")))
        case {"channel": "chat", "user": user, "lines": [*lines]}:
            return Chat(str(user), [str(line) for line in lines])
        case {"channel": "sms", "text": "STOP" | "stop"}:
            return "unsubscribe"
        case {"channel": "sms", "from": str(number), "text": text}:
            return Chat(number[-4:], [str(text)])
        case {"channel": other}:
            return f"unsupported channel {other}"
    return "unreadable"


def classify(event: Email | Chat) -> tuple[str, str, str | None]:
    match event:
        case Email(subject=subject) if subject.isupper() or subject.startswith("URGENT"):
            priority, kind = "p1", "incident"
        case Email(subject=subject) | Chat(lines=[*_, subject]) if ORDER_REF.search(subject):
            priority, kind = "p2", "order question"
        case Chat(lines=[]):
            priority, kind = "p3", "empty chat"
        case _:
            priority, kind = "p3", "message"
    text = event.subject if isinstance(event, Email) else " ".join(event.lines)
    ref = m.group("number") if (m := ORDER_REF.search(text)) else None
    return priority, kind, ref


@workflow
class TriageInbox(Workflow):
    async def run(self, now: datetime) -> dict[str, object]:
        routed: list[str] = []
        skipped: list[str] = []
        replies: list[str] = []
        deadlines: dict[str, str] = {}
        for n, raw in enumerate(await inbox()):
            event = parse(raw)
            if isinstance(event, str):
                skipped.append(event)
                continue
            priority, kind, ref = classify(event)
            who = event.sender if isinstance(event, Email) else event.user
            ticket_ref = ref or f"T{n:03}"
            routed.append(await enqueue(f"support-{priority}", {"who": who, "kind": kind}))
            text = REPLY.safe_substitute(
                name=who.split("@")[0].title(), kind=kind, ref=ticket_ref, hours=SLA_HOURS[priority]
            )
            await send_reply(who, text)
            replies.append(text)
            due = now + timedelta(hours=SLA_HOURS[priority])
            deadlines[ticket_ref] = due.strftime("%Y-%m-%d %H:%M")
        return {"routed": routed, "skipped": skipped, "replies": replies, "deadlines": deadlines}


INPUTS = {"TriageInbox": [{"now": datetime(2024, 2, 28, 20, 30)}]}
