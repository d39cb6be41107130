from functools import partial

from waymark import Workflow, action, workflow

PREFIX = "order"
SEEN = ["a", "b"]
SEEN.append("c")  # changed by the module: not a constant


@action
async def tag(label: str, key: str) -> str:
    return f"{label}:{key}"


def fmt(prefix: str, key: str) -> str:
    return prefix + key


TAG = partial(tag, SEEN[0])
LABEL = partial(fmt, f"{SEEN}-")
FIRST = partial(fmt, PREFIX.encode())
JOINED = partial(fmt, PREFIX + "-")


@workflow
class PartialArgumentWorkflow(Workflow):
    async def run(self, key: str) -> list[object]:
        tagged = await TAG(key)  # error: WM122 @24
        label = LABEL(key)  # error: WM122 @17
        bound = FIRST.args  # error: WM122 @17
        return [tagged, label, bound, JOINED(key)]
