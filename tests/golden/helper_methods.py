from waymark import Workflow, action, workflow


@action
async def fetch_scores(team: str) -> list[int]:
    return []


@workflow
class ScoringWorkflow(Workflow):
    async def run(self, team: str) -> dict[str, float]:
        scores = await fetch_scores(team)
        return {"mean": self.mean(scores), "top": self.top(scores, k=3)}

    def mean(self, values: list[int]) -> float:
        if not values:
            return 0.0
        return sum(values) / len(values)

    def top(self, values: list[int], k: int = 1) -> float:
        best = sorted(values, reverse=True)[:k]
        return self.mean(best)
