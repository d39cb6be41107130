"""A user's app as `mypy --strict` sees it (checked by test_typing.py, never imported by tests):
actions with `Depends` parameters called without them, `run_action`'s result typed by the action,
`run()` with `_blocking`/`_priority` through the `waymark.mypy` plugin, and a signal's payload
typed by its declared class."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import reveal_type

from waymark import Depends, RetryPolicy, Workflow, action, workflow


class Emailer:
    def send(self, to: str) -> bool:
        return bool(to)


def get_emailer() -> Emailer:
    return Emailer()


@action
async def send_email(to: str, emailer: Emailer = Depends(get_emailer)) -> bool:
    return emailer.send(to)


@action
async def count(items: list[str]) -> int:
    return len(items)


@workflow
class Welcome(Workflow):
    async def run(self, to: str) -> bool:
        self.log.info("sending to %s", to)
        sent = await send_email(to)
        n = await self.run_action(count([to]), retry=RetryPolicy(attempts=2),
                                  timeout=timedelta(seconds=5))  # fmt: skip
        both = await asyncio.gather(send_email(to), send_email("b@example.com"))
        approved = await self.wait_for_signal("approved", bool, timeout=timedelta(days=1))
        reveal_type(approved)
        tags = await self.wait_for_signal("tags", list[str] | None)
        return sent and n == 1 and all(both) and approved and tags is not None


async def main(blocking: bool) -> None:
    ok: bool = await Welcome().run("a@example.com")
    instance_id: str = await Welcome().run("a@example.com", _blocking=False, _priority=5)
    reveal_type(await Welcome().run("a@example.com", _blocking=blocking))
    reveal_type(await count(["x"]))
    print(ok, instance_id)
