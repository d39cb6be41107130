import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch_profile(user_id: str) -> dict[str, str]:
    return {}


@action
async def fetch_settings(user_id: str) -> dict[str, str]:
    return {}


@action
async def fetch_history(user_id: str, limit: int) -> list[str]:
    return []


@workflow
class ProfileWorkflow(Workflow):
    async def run(self, user_id: str) -> list[object]:
        profile, settings, history = await asyncio.gather(
            fetch_profile(user_id=user_id),
            fetch_settings(user_id=user_id),
            fetch_history(user_id, limit=10),
        )
        everything = await asyncio.gather(fetch_profile(user_id), fetch_settings(user_id))
        none = await asyncio.gather()
        return [profile, settings, history, everything, none]
