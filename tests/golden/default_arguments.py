from enum import Enum

from waymark import Workflow, action, workflow

DEFAULT_REGION = "eu"


class Tier(Enum):
    FREE = "free"
    PAID = "paid"


@action
async def provision(region: str, size: int, tier: Tier) -> str:
    return region


@workflow
class DefaultsWorkflow(Workflow):
    async def run(
        self,
        name: str,
        size: int = 1,
        region: str = DEFAULT_REGION,
        tags: tuple[str, ...] = ("a", "b"),
        *,
        tier: Tier = Tier.FREE,
        dry_run: bool = False,
        scale: float = -1.5,
        note: str | None = None,
    ) -> str:
        if dry_run:
            return name
        return await provision(region, size, tier=tier)
