import random
import uuid as ids

from waymark import Workflow, workflow


@workflow
class RandomWorkflow(Workflow):
    async def run(self) -> list[object]:
        pick = random.choice([1, 2, 3])  # error: WM103 @16
        token = ids.uuid4()  # error: WM103 @17
        unseeded = random.Random()  # error: WM103 @20
        from_system = random.Random(None)  # error: WM103 @23
        seeded = random.Random("batch-7")
        return [pick, token, unseeded, from_system, seeded.random()]
