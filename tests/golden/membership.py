from waymark import Workflow, workflow


@workflow
class MembershipWorkflow(Workflow):
    async def run(self, x: object, xs: list[object], text: str) -> list[bool]:
        return [
            x in xs,
            x not in xs,
            x is None,
            x is not None,
            "ab" in text,
            "key" not in {"key": 1},
        ]
