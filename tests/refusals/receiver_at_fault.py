from datetime import datetime

from waymark import Workflow, workflow


@workflow
class ReceiverWorkflow(Workflow):
    async def run(self, path: str) -> list[str]:
        text = open(path).read()  # error: WM103 @16
        stamp = datetime.now().isoformat()  # error: WM103 @17
        day = datetime.now().strftime("%A")  # error: WM103 @15
        return [text, stamp, day]
