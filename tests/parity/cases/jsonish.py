"""`json.loads` and `json.dumps` in a workflow: tool-call arguments parsed, payloads written
with Python's options, enum members as their values, and Python's errors."""

from __future__ import annotations

import asyncio
import json
from enum import Enum, IntEnum, StrEnum

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Role(StrEnum):
    USER = "user"
    TOOL = "tool"


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


class Shape(Enum):
    ROUND = "round"


class Call(BaseModel):
    name: str


@action
async def model_reply(prompt: str) -> str:
    return json.dumps({"tool": "search", "arguments": {"q": prompt, "limit": 3}})


@workflow
class JsonPayloads(Workflow):
    async def run(self, prompt: str) -> list[object]:
        reply = json.loads(await model_reply(prompt))
        await asyncio.sleep(0)
        message = {"role": Role.TOOL, "content": reply["arguments"], "ok": True, "n": None}
        try:
            json.loads("{not json")
            bad = "parsed"
        except json.JSONDecodeError as error:
            bad = f"{type(error).__name__}: {error}"
        try:
            json.dumps({"call": Call(name="x")})
            model = "written"
        except TypeError as error:
            model = str(error)
        counts = {Role.USER: 2, Role.TOOL: [{Priority.HIGH: 1}]}
        try:
            json.dumps({Shape.ROUND: 1})
            plain_key = "written"
        except TypeError as error:
            plain_key = str(error)
        return [
            reply["tool"],
            json.dumps(counts),
            plain_key,
            json.dumps(message, sort_keys=True),
            json.dumps([1, 2.5, "é"], ensure_ascii=False, separators=(",", ":")),
            json.dumps({"b": [1, {"c": 2}], "a": 1}, indent=2),
            bad,
            model,
        ]
