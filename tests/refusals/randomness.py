import random
import uuid as ids

from waymark import Workflow, workflow


@workflow
class RandomWorkflow(Workflow):
    async def run(self) -> list[object]:
        pick = random.choice([1, 2, 3])  # error: WM103 @16
        token = ids.uuid4()  # error: WM103 @17
        return [pick, token]
