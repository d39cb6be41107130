"""An LLM tool-calling loop: the model answers with JSON tool calls, each call is parsed and
validated, dispatched through a table of tools, retried with a corrective message when the
model emits malformed JSON, and the transcript is trimmed to a token budget."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from waymark import Workflow, action, workflow

MAX_TURNS = 6
FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass
class Message:
    role: Role
    content: str
    name: str | None = None

    def tokens(self) -> int:
        return len(self.content.split()) + (1 if self.name else 0)


@dataclass
class Transcript:
    messages: list[Message] = field(default_factory=list)

    def add(self, role: Role, content: str, name: str | None = None) -> None:
        self.messages.append(Message(role, content, name))

    def trimmed(self, budget: int) -> list[Message]:
        kept: list[Message] = []
        used = 0
        for message in reversed(self.messages[1:]):
            if (used := used + message.tokens()) > budget:
                break
            kept.append(message)
        return [self.messages[0], *reversed(kept)]


class ToolError(Exception):
    pass


_CALLS: dict[str, int] = {}


def reset() -> None:
    _CALLS.clear()


@action
async def complete(prompt: list[dict[str, Any]], turn: int) -> str:
    last = prompt[-1]["content"]
    if turn == 0:
        return 'Sure! ```json\n{"tool": "lookup_order", "args": {"order_id": "A-17"}}\n```'
    if turn == 1 and any("bad-json" in m["content"] for m in prompt):
        return '```json\n{"tool": "refund", "args": {"order_id": \'A-17\'}}\n```'
    if "shipped" in last and "refund" not in last:
        return '{"tool": "refund", "args": {"order_id": "A-17", "cents": 1299}}'
    if "unknown tool" in last:
        return "I could not do that, sorry."
    if "refunded" in last:
        return '{"tool": "notify", "args": {"channel": "email"}}'
    return f"FINAL: done after {turn} turns ({len(prompt)} messages seen)"


@action
async def lookup_order(order_id: str) -> dict[str, Any]:
    _CALLS[order_id] = _CALLS.get(order_id, 0) + 1
    return {"id": order_id, "status": "shipped", "total_cents": 1299}


@action
async def refund(order_id: str, cents: int = 0) -> dict[str, Any]:
    if cents <= 0:
        raise ToolError(f"refund for {order_id} needs a positive amount")
    return {"refunded": cents, "order": order_id}


def parse_call(text: str) -> tuple[str, dict[str, Any]] | None:
    if (match := FENCE.search(text)) is not None:
        text = match.group(1)
    elif not text.lstrip().startswith("{"):
        return None
    payload = json.loads(text)
    return payload["tool"], payload.get("args", {})


@workflow
class ToolLoop(Workflow):
    async def run(self, question: str, budget: int = 40) -> dict[str, Any]:
        transcript = Transcript()
        transcript.add(Role.SYSTEM, "You are a support bot. Answer with JSON tool calls.")
        transcript.add(Role.USER, question)
        used_tools: list[str] = []
        for turn in range(MAX_TURNS):
            prompt = [
                {"role": str(m.role), "content": m.content} for m in transcript.trimmed(budget)
            ]
            reply = await complete(prompt, turn)
            transcript.add(Role.ASSISTANT, reply)
            try:
                call = parse_call(reply)
            except json.JSONDecodeError as error:
                transcript.add(Role.USER, f"invalid JSON at column {error.colno}: {error.msg}")
                continue
            if call is None:
                answer = reply.removeprefix("FINAL: ")
                break
            tool, args = call
            used_tools.append(tool)
            try:
                if tool == "lookup_order":
                    result = await lookup_order(**args)
                elif tool == "refund":
                    result = await refund(**args)
                else:
                    raise ToolError(f"unknown tool {tool!r}")
            except ToolError as error:
                transcript.add(Role.TOOL, f"error: {error}", name=tool)
            else:
                transcript.add(Role.TOOL, json.dumps(result, sort_keys=True), name=tool)
        else:
            answer = "gave up"
        return {
            "answer": answer,
            "tools": used_tools,
            "roles": "".join(m.role.value[0] for m in transcript.messages),
            "tokens": sum(m.tokens() for m in transcript.messages),
        }


INPUTS = {
    "ToolLoop": [
        {"question": "Please refund A-17"},
        {"question": "bad-json refund please", "budget": 30},
        {"question": "refund", "budget": 5},
    ]
}
