"""Welcome new users: fetch them, keep the active ones, email each concurrently.

The workflow body is compiled once to `welcome_email.wrl`; the two actions are the distributed
work, run by workers. Failed emails come back as exception values (`return_exceptions=True`).
"""

import asyncio

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class User(BaseModel):
    id: str
    email: str
    active: bool


class EmailResult(BaseModel):
    to: str
    delivered: bool


@action
async def fetch_users(user_ids: list[str]) -> list[User]:
    return [User(id=i, email=f"{i}@example.com", active=not i.endswith("x")) for i in user_ids]


@action
async def send_email(to: str, subject: str) -> EmailResult:
    return EmailResult(to=to, delivered=True)


@workflow
class WelcomeEmailWorkflow(Workflow):
    async def run(self, user_ids: list[str]) -> list[EmailResult]:
        users = await fetch_users(user_ids)
        active_users = [user for user in users if user.active]

        results = await asyncio.gather(
            *[send_email(to=user.email, subject="Welcome") for user in active_users],
            return_exceptions=True,
        )

        return results
