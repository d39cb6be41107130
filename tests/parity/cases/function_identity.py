"""`is` and `is not` with a function named on one side: the same action or function is one
object, found through a table, a partial's `func` aside, or a variable."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return f"<{key}>"


@action
async def store(key: str) -> str:
    return f"stored {key}"


def scale(value: int, factor: int = 2) -> int:
    return value * factor


def shift(value: int) -> int:
    return value + 1


TOOLS = {"scale": scale, "shift": shift}
ACTIONS = {"fetch": fetch, "store": store}


@workflow
class FunctionIdentity(Workflow):
    async def run(self, name: str, action_name: str) -> list[object]:
        chosen = TOOLS.get(name, shift)
        handler = ACTIONS[action_name]
        await handler(name)
        checks = [
            TOOLS["scale"] is scale,
            chosen is scale,
            chosen is not shift,
            handler is fetch,
            handler is not store,
            scale is scale,
            chosen is None,
        ]
        return [checks, chosen(3), await handler("k")]
