import shlex
from urllib.parse import unwrap

from waymark import Workflow, workflow


@workflow
class SplitWorkflow(Workflow):
    async def run(self, url: str, command: str) -> list[object]:
        page = unwrap(url)  # error: WM101 @16
        return [page, shlex.split(command)]  # error: WM101 @23
