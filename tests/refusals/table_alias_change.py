from waymark import Workflow, workflow

STAGES = ["draft", "review", "live"]
LIMITS = {"free": {"seats": 1}, "team": {"seats": 5}}


@workflow
class TableAliases(Workflow):
    async def run(self, plan: str) -> object:
        stages = STAGES
        stages.append("archived")  # error: WM132 @9
        limits = LIMITS[plan]
        limits["seats"] += 1  # error: WM132 @9
        ordered = stages
        ordered.sort(reverse=True)  # error: WM132 @9
        copied = list(STAGES)
        copied.append("gone")
        rebound = STAGES
        rebound = []
        rebound.append("fine")
        for tier in LIMITS.values():
            tier["seats"] = 0  # error: WM132 @13
        for stage in STAGES:
            stage = stage.upper()
            copied.append(stage)
        grown = STAGES
        grown += ["retired"]  # error: WM132 @9
        seats = LIMITS["free"]["seats"]
        seats += 1
        return [stages, limits, copied, rebound, grown, seats]
