"""An agent loop that parses a model's JSON replies into pydantic models: the awaited reply is
an argument of `Model.model_validate`/`model_validate_json` (the class is not a value read
before the await), and malformed JSON is pydantic's `ValidationError`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from waymark import Workflow, action, workflow

REPLIES = {
    "weather": [
        '{"tool": "lookup", "args": {"city": "Paris"}}',
        '{"tool": "lookup", "args": {"city": 7}}',
        "I think the answer is",
        '{"final": "21C in Paris"}',
    ],
    "silent": ['{"tool": "lookup"}'] * 5,
}


class ToolCall(BaseModel):
    tool: str = ""
    args: dict[str, str] = {}
    final: str | None = None


@action
async def complete(script: str, turn: int) -> str:
    replies = REPLIES[script]
    return replies[min(turn, len(replies) - 1)]


@action
async def complete_dict(script: str, turn: int) -> dict[str, Any]:
    return json.loads(REPLIES[script][0])


@workflow
class ParseReplies(Workflow):
    async def run(self, script: str, max_turns: int = 4) -> dict[str, Any]:
        first = ToolCall.model_validate(await complete_dict(script, 0))
        errors: list[str] = []
        tools: list[str] = [first.tool]
        for turn in range(max_turns):
            try:
                call = ToolCall.model_validate_json(await complete(script, turn))
            except ValidationError as exc:
                errors.append(f"turn {turn}: {exc.error_count()} {exc.errors()[0]['type']}")
                continue
            if call.final is not None:
                return {"answer": call.final, "tools": tools, "errors": errors}
            tools.append(f"{call.tool}({', '.join(f'{k}={v}' for k, v in call.args.items())})")
        return {"answer": None, "tools": tools, "errors": errors}
