"""A format spec a `StrEnum`'s `str` refuses: Python's error names the enum."""

from __future__ import annotations

from enum import StrEnum

from waymark import Workflow, action, workflow


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


@action
async def preferred_channel(user: str) -> Channel:
    return Channel.SMS


@workflow
class ChannelLabel(Workflow):
    async def run(self, user: str) -> str:
        channel = await preferred_channel(user)
        try:
            return f"{channel:.2f}"
        except ValueError as e:
            return str(e)
