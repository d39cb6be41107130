from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> int:
    return len(key)


@action
async def charge(amount: int) -> bool:
    return amount > 0


@workflow
class AwaitExpressionsWorkflow(Workflow):
    async def run(self, key: str, xs: list[int], ok: bool) -> object:
        total = xs[0] + await fetch(key)
        paid = ok and await charge(total)
        fallback = total or await fetch("default")
        pick = total if ok else await fetch(key)
        xs.append(await fetch(str(await fetch(key))))
        while await charge(total):
            total -= 10
        if await charge(total):
            return [total, paid, fallback, pick]
        elif not await charge(-total):
            return {"key": await fetch(key), "xs": xs}
        return f"{key}: {await fetch(key)}"
