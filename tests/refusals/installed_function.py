import shlex
from urllib.parse import urldefrag

from waymark import Workflow, workflow


@workflow
class SplitWorkflow(Workflow):
    async def run(self, url: str, command: str) -> list[object]:
        page, _ = urldefrag(url)  # error: WM101 @19
        return [page, shlex.split(command)]  # error: WM101 @23
