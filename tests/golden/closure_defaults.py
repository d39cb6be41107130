from waymark import Workflow, workflow


@workflow
class ClosureDefaults(Workflow):
    async def run(self, k: int) -> list[int]:
        def pick(i: int = k, *, step: int = k + 1) -> int:
            return i + step + k

        chosen = pick
        k = 10
        return [chosen(), chosen(5, step=0), pick(), pick(*[1], **{"step": 2})]
