from waymark import Workflow, action, workflow


@action
async def fetch_summary(user_id: str) -> dict[str, object]:
    return {}


@workflow
class AccessWorkflow(Workflow):
    async def run(self, user_id: str) -> list[object]:
        summary = await fetch_summary(user_id)
        records = summary.transactions.records
        first = records[0].amount
        nested = summary["a"]["b"][0]
        pair = summary[1, 2]
        key = summary[user_id]
        return [records, first, nested, pair, key, summary.owner.name.upper()]
