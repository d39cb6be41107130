from functools import partial

from waymark import Workflow, action, workflow

PREFIX = "order"


@action
async def tag(label: str, key: str) -> str:
    return f"{label}:{key}"


def fmt(prefix: str, key: str) -> str:
    return prefix + key


TAG = partial(tag, PREFIX.upper())
LABEL = partial(fmt, f"{PREFIX}-")
FIRST = partial(fmt, (PREFIX, "-")[0])
JOINED = partial(fmt, PREFIX + "-")


@workflow
class PartialArgumentWorkflow(Workflow):
    async def run(self, key: str) -> list[object]:
        tagged = await TAG(key)  # error: WM122 @24
        label = LABEL(key)  # error: WM122 @17
        bound = FIRST.args  # error: WM122 @17
        return [tagged, label, bound, JOINED(key)]
