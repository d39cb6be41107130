from waymark import Workflow, workflow


@workflow
class UnaryWorkflow(Workflow):
    async def run(self, n: int, flag: bool) -> list[object]:
        return [-n, +n, ~n, not flag, -(-n), -1, -1.5, 1e3, 0x1F, 1_000_000, 0o17, 0b101]
