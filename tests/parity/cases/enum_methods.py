"""Plain methods of the user's enums called on members: reading the member's name and value,
calling other methods, taking arguments; an `IntEnum`'s and a `StrEnum`'s (one named like a
`str` method) as well; class and static methods called on the enum class."""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum

from waymark import Workflow, action, workflow


class Severity(IntEnum):
    LOW = 1
    HIGH = 3
    CRITICAL = 5

    def escalate(self, steps: int = 1) -> Severity:
        ranked = sorted(Severity)
        return ranked[min(ranked.index(self) + steps, len(ranked) - 1)]

    def page(self) -> bool:
        return self >= Severity.HIGH


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"

    def title(self) -> str:
        return f"[{self.value.upper()}]"


class Status(Enum):
    OPEN = "open"
    CLOSED = "closed"

    def label(self) -> str:
        return self.name.lower().capitalize()

    def describe(self, count: int) -> str:
        return f"{count} {self.label()} ticket{'s' if count != 1 else ''}"

    @classmethod
    def parse(cls, text: str) -> Status:
        return cls[cls.normalise(text).upper()]

    @classmethod
    def default(cls) -> Status:
        return cls.OPEN

    @staticmethod
    def normalise(text: str) -> str:
        return text.strip().lower()


@action
async def severity_of(ticket: str) -> int:
    return {"db-down": 5, "slow": 3}.get(ticket, 1)


@workflow
class EnumMethods(Workflow):
    async def run(self, ticket: str, count: int = 2, given: str = "") -> dict[str, object]:
        severity = Severity(await severity_of(ticket))
        status = Status.OPEN if severity.page() else Status.CLOSED
        try:
            parsed = Status.parse(given)
        except KeyError as error:
            parsed = Status.default()
            given = f"unknown {error}"
        return {
            "escalated": severity.escalate(),
            "twice": severity.escalate(steps=2).name,
            "page": severity.page(),
            "status": status.describe(count),
            "titles": [c.title() for c in Channel],
            "plain": "sms".title(),
            "parsed": (parsed, Status.normalise(given)),
        }
