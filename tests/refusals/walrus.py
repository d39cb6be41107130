from waymark import Workflow, workflow


@workflow
class WalrusWorkflow(Workflow):
    async def run(self, items: list[str]) -> object:
        if (n := len(items)) > 10:
            return n
        stripped = [y for x in items if (y := x.strip())]
        longest = max(items, key=lambda s: (k := len(s)))  # error: WM121 @45
        return [stripped, longest, y]
