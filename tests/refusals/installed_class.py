from ipaddress import IPv4Address

from waymark import Workflow, action, workflow


@action
async def upload_name() -> str:
    return "10.0.0.1"


@workflow
class InstalledClass(Workflow):
    async def run(self) -> str:
        path = await upload_name()
        return IPv4Address(path).compressed  # error: WM101 @16
