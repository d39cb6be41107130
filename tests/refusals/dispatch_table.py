from typing import Any

from waymark import Workflow, action, workflow


@action
async def search(query: str) -> str:
    return query


@action
async def calculator(expression: str) -> float:
    return 0.0


TOOLS = {"search": search, "calculator": calculator}


@workflow
class ToolDispatch(Workflow):
    async def run(self, name: str, args: dict[str, Any]) -> Any:
        tool = TOOLS.get(name)  # error: WM142 @16
        return await tool(**args)  # error: WM102 @22
