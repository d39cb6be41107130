"""Export a report from a slow service: start the export, poll until it is ready, download it.

Between polls the workflow sleeps durably (`asyncio.sleep` in a workflow is a timer in the
database, not a blocked worker): a sleeping instance costs a row, survives restarts, and wakes
up on whichever runner is alive. The export service is simulated: an export is ready after a
number of polls derived from its id, and a report named `broken` fails.
"""

import asyncio
import hashlib

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class ExportStatus(BaseModel):
    state: str
    url: str | None = None


class ExportResult(BaseModel):
    export_id: str
    polls: int
    size: int


class ExportFailed(Exception):
    pass


def _polls_needed(export_id: str) -> int:
    return 2 + hashlib.sha256(export_id.encode()).digest()[0] % 3


@action
async def start_export(report: str) -> str:
    return f"exp-{report}"


@action
async def check_export(export_id: str, poll: int) -> ExportStatus:
    if "broken" in export_id:
        return ExportStatus(state="failed")
    if poll < _polls_needed(export_id):
        return ExportStatus(state="running")
    return ExportStatus(state="ready", url=f"https://exports.example.com/{export_id}.csv")


@action
async def download_export(url: str) -> int:
    return len(url) * 1024


@workflow
class ReportPollingWorkflow(Workflow):
    async def run(
        self, report: str, poll_seconds: float = 1.0, max_polls: int = 10
    ) -> ExportResult:
        export_id = await start_export(report)
        for poll in range(1, max_polls + 1):
            status = await check_export(export_id, poll)
            if status.state == "ready":
                size = await download_export(status.url)
                return ExportResult(export_id=export_id, polls=poll, size=size)
            if status.state == "failed":
                raise ExportFailed(f"export {export_id} failed on the server")
            await asyncio.sleep(poll_seconds)
        raise TimeoutError(f"export {export_id} not ready after {max_polls} polls")
