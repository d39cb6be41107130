"""Module-level `functools.partial` constants whose arguments are computed from other
constants (`partial(order_key, PREFIX + SEP)`, `width=WIDTH + 2`, an enum member, a tuple of
constants): rebuilt where they are read, with the module's values, and called, awaited and
gathered as Python does."""

from __future__ import annotations

import asyncio
import enum
from functools import partial

from waymark import Workflow, action, workflow

PREFIX = "ord"
SEP = "-"
WIDTH = 4
REGIONS = ("eu", "us")


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"


def order_key(prefix: str, number: int, width: int = 0) -> str:
    return f"{prefix}{str(number).zfill(width)}"


@action
async def notify(channel: Channel, regions: tuple[str, ...], order: str) -> str:
    return f"{channel.value}@{'/'.join(regions)}:{order}"


ORDER_KEY = partial(order_key, PREFIX + SEP, width=WIDTH + 2)
SHORT_KEY = partial(order_key, PREFIX * 2)
NOTIFY = partial(notify, Channel.SMS, REGIONS + ("apac",))  # noqa: RUF005 (a computed constant)


@workflow
class ConfirmOrders(Workflow):
    async def run(self, numbers: list[int]) -> dict[str, object]:
        keys = [ORDER_KEY(n) for n in numbers]
        sent = await asyncio.gather(*[NOTIFY(k) for k in keys])
        return {
            "keys": keys,
            "short": [SHORT_KEY(n, width=WIDTH) for n in numbers],
            "sent": sent,
            "bound": [ORDER_KEY.args, ORDER_KEY.keywords, NOTIFY.args],
        }
