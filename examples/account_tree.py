"""Child workflows: close a tree of accounts, each sub-account by a child run of the same
workflow (recursion), while a detached audit runs on its own.

`CloseAccount` closes an account's sub-accounts in parallel, each with a child
`CloseAccount`; a child that fails (an account still holding money) is reported by class, not
fatal. The parent then settles its own balance and starts an `AuditClosure` it does not wait
for: the await yields the audit's instance id.
"""

import asyncio

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class AccountNotEmpty(Exception):
    pass


class Closed(BaseModel):
    account: str
    closed: list[str]
    refused: list[str]


CHILDREN = {"root": ["ops", "sales"], "ops": ["ops-eu", "ops-us"], "sales": ["sales-eu"]}
BALANCES = {"ops-us": 120}


@action
async def sub_accounts(account: str) -> list[str]:
    return CHILDREN.get(account, [])


@action
async def settle(account: str) -> str:
    if BALANCES.get(account, 0):
        raise AccountNotEmpty(f"{account} still holds {BALANCES[account]}")
    return account


@action
async def record_audit(account: str, closed: list[str]) -> int:
    return len(closed)


@workflow
class AuditClosure(Workflow):
    async def run(self, account: str, closed: list[str]) -> int:
        return await record_audit(account, closed)


@workflow
class CloseAccount(Workflow):
    async def run(self, account: str) -> Closed:
        subs = await sub_accounts(account)
        results = await asyncio.gather(
            *[CloseAccount().run(account=sub) for sub in subs], return_exceptions=True
        )
        closed: list[str] = []
        refused: list[str] = []
        for result in results:
            if isinstance(result, AccountNotEmpty):
                refused.append(str(result))
            else:
                closed.extend(result.closed)
                refused.extend(result.refused)
        settled = await settle(account)
        closed.append(settled)
        audit_id = await AuditClosure().run(account=account, closed=closed, _blocking=False)
        if not audit_id:
            refused.append("audit did not start")
        return Closed(account=account, closed=closed, refused=refused)
