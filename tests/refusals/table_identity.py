from waymark import Workflow, workflow

WORDS = ["alpha", "beta"]
LIMITS = {"free": {"seats": 1}}


@workflow
class TableIdentity(Workflow):
    async def run(self, plan: str) -> list[bool]:
        words = WORDS
        mine = list(WORDS)
        return [
            WORDS is WORDS,  # error: WM149 @13
            words is not WORDS,  # error: WM149 @13
            LIMITS[plan] is LIMITS["free"],  # error: WM149 @13
            mine is mine,
            LIMITS.get(plan) is None,
        ]
