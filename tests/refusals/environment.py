import os
import time

from waymark import Workflow, workflow


@workflow
class EnvironmentWorkflow(Workflow):
    async def run(self) -> str:
        home = os.environ["HOME"]  # error: WM103 @16
        started = time.time()  # error: WM103 @19
        print(*home)  # error: WM103 @15
        return home + str(started)
