"""`asyncio.gather(..., return_exceptions=flag)` with a flag computed at run time: an input, an
attribute, a truthy non-bool value, and one whose evaluation comes after the calls' arguments."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from waymark import Workflow, action, workflow

SENT: list[str] = []


def reset() -> None:
    SENT.clear()


class SyncFailed(Exception):
    pass


class Plan(BaseModel):
    tolerant: bool
    retries: int = 0


@action
async def sync_account(account: str) -> str:
    SENT.append(account)
    if account.startswith("bad"):
        raise SyncFailed(f"cannot sync {account}")
    return f"synced {account}"


@action
async def sent() -> list[str]:
    return list(SENT)


def _outcomes(results: list[object]) -> list[str]:
    return [r if isinstance(r, str) else f"{type(r).__name__}: {r}" for r in results]


@workflow
class SyncAccounts(Workflow):
    async def run(self, accounts: list[str], tolerant: bool, plan_retries: int = 0) -> object:
        plan = Plan(tolerant=tolerant, retries=plan_retries)
        try:
            results = await asyncio.gather(
                *[sync_account(a) for a in accounts], return_exceptions=plan.tolerant
            )
        except SyncFailed as error:
            return {"failed": str(error), "sent": await sent()}
        counted = await asyncio.gather(
            sync_account("bad-extra"), return_exceptions=plan.retries or accounts
        )
        return {"results": _outcomes(results), "counted": _outcomes(counted)}


@workflow
class FlagAfterArguments(Workflow):
    """The flag is read after the calls' arguments: a lookup that fails raises before any
    action runs, and the names it reads are those the arguments just bound."""

    async def run(self, accounts: list[str], options: dict[str, bool]) -> object:
        try:
            results = await asyncio.gather(
                *[sync_account(a) for a in accounts],
                sync_account(last := accounts[-1] + "-again"),
                return_exceptions=options[last],
            )
        except KeyError as error:
            return {"missing": str(error), "sent": await sent()}
        except SyncFailed as error:
            return {"failed": str(error)}
        return _outcomes(results)
