"""Actions whose parameters are resolved per invocation with Depends."""

from __future__ import annotations

from typing import Annotated

from waymark import Depend, Depends, Workflow, action, workflow


class Settings:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, to: str) -> str:
        return f"{self.settings.prefix}:{to}"


def get_settings() -> Settings:
    return Settings("mail")


async def get_mailer(settings: Annotated[Settings, Depends(get_settings)]) -> Mailer:
    return Mailer(settings)


def get_counter() -> dict[str, int]:
    return {"n": 0}


@action
async def send(to: str, mailer: Annotated[Mailer, Depends(get_mailer)]) -> str:
    return mailer.send(to)


@action
async def bump(amount: int, counter: Annotated[dict[str, int], Depend(get_counter)]) -> int:
    counter["n"] += amount
    return counter["n"]


@workflow
class InjectedDependencies(Workflow):
    async def run(self, recipients: list[str]) -> list[object]:
        sent = []
        for recipient in recipients:
            message = await send(recipient)
            sent.append(message)
        first = await bump(3)
        second = await bump(4)
        return [sent, first, second]
