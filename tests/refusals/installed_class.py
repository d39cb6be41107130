from pathlib import PurePosixPath

from waymark import Workflow, action, workflow


@action
async def upload_name() -> str:
    return "in/scan.PNG"


@workflow
class InstalledClass(Workflow):
    async def run(self) -> str:
        path = await upload_name()
        return PurePosixPath(path).suffix.lower()  # error: WM101 @16
