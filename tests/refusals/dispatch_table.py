from collections.abc import Callable
from functools import partial
from typing import Any

from waymark import Workflow, action, workflow


@action
async def search(query: str) -> str:
    return query


def describe(query: str) -> str:
    return query


def traced(func: Callable[..., Any]) -> Callable[..., Any]:
    return func


@traced
def cached(query: str) -> str:
    return query


REGISTRY = {"describe": describe}
CACHED = (cached, describe)
BOUND = partial(search, describe("q"))  # a partial of a computed argument: refused, naming it


def register() -> None:
    REGISTRY["search"] = search


@workflow
class ToolDispatch(Workflow):
    async def run(self, name: str, args: dict[str, Any], reply: Any) -> Any:
        helper = REGISTRY.get(name)  # error: WM142 @18
        first = CACHED[0]  # error: WM142 @17
        found = await TOOLZ[name](**args)  # error: WM123 @23
        bound = await BOUND()  # error: WM122 @23
        return await reply.json()  # error: WM102 @22
