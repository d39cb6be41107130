from enum import Enum, IntEnum

from waymark import Workflow, action, workflow


class Status(Enum):
    ACTIVE = "active"
    BANNED = "banned"


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


@action
async def status_of(user_id: str) -> Status:
    return Status.ACTIVE


@workflow
class EnumWorkflow(Workflow):
    async def run(self, user_id: str) -> list[object]:
        status = await status_of(user_id)
        if status == Status.BANNED:
            return [Status.BANNED.value]
        match status:
            case Status.ACTIVE:
                level = Priority.HIGH
            case _:
                level = Priority.LOW
        return [status.name, level, Priority.LOW.value + 1]
