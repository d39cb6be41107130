"""An LLM agent loop: the model proposes tool calls, a dispatch table maps tool names to actions,
malformed calls are fed back to the model, transient model errors are retried, and a step budget
ends the loop."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class ToolError(Exception):
    pass


@dataclass
class Message:
    role: Role
    content: str
    name: str | None = None


@dataclass
class AgentResult:
    answer: str | None
    steps: int
    tools_used: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    transcript: str = ""


SCRIPTS: dict[str, list[str]] = {
    "weather": [
        '{"tool": "search", "args": {"query": "weather paris"}}',
        '{"tool": "calculator", "args": {"expression": "21 * 9 / 5 + 32"}}',
        '{"final": "It is 69.8F in Paris"}',
    ],
    "broken": [
        "not json at all",
        '{"tool": "teleport", "args": {}}',
        '{"tool": "calculator", "args": {"expression": "1/0"}}',
        '{"final": "gave up"}',
    ],
    "loop": ['{"tool": "search", "args": {"query": "again"}}'] * 10,
}


@action
async def call_model(conversation: str, history: list[Message]) -> str:
    CALLS["model"] = CALLS.get("model", 0) + 1
    if CALLS["model"] == 2:
        raise RateLimited(0.5)
    script = SCRIPTS[conversation]
    turn = sum(1 for m in history if m.role is Role.ASSISTANT)
    return script[min(turn, len(script) - 1)]


@action
async def search(query: str) -> str:
    return f"results for {query!r}: 21C and sunny"


@action
async def calculator(expression: str) -> float:
    if expression.partition(" / ")[2] == "" and "/" in expression:
        raise ToolError("division by zero")
    parts = expression.split()
    value = float(parts[0])
    for sym, num in zip(parts[1::2], parts[2::2], strict=False):
        n = float(num)
        if sym == "*":
            value *= n
        elif sym == "/":
            value /= n
        elif sym == "+":
            value += n
    return round(value, 2)


TOOLS = ("calculator", "search")


def parse_reply(reply: str) -> dict[str, Any]:
    try:
        data = json.loads(reply)
    except json.JSONDecodeError as exc:
        raise ToolError(f"model replied with invalid JSON at pos {exc.pos}") from exc
    if not isinstance(data, dict):
        raise ToolError("model reply is not an object")
    return data


@workflow
class ResearchAgent(Workflow):
    async def run(self, conversation: str, question: str, max_steps: int = 5) -> AgentResult:
        history = [
            Message(Role.SYSTEM, "You are a careful assistant."),
            Message(Role.USER, question),
        ]
        result = AgentResult(answer=None, steps=0)
        while result.steps < max_steps:
            result.steps += 1
            reply = await self.run_action(
                call_model(conversation, history),
                retry=RetryPolicy(attempts=3, exception_types=[RateLimited]),
                backoff=BackoffPolicy(base_delay=0.1),
            )
            history.append(Message(Role.ASSISTANT, reply))
            try:
                parsed = parse_reply(reply)
            except ToolError as exc:
                result.errors.append(f"{exc} ({type(exc).__name__})")
                history.append(Message(Role.USER, "Reply with JSON only."))
                continue
            if (final := parsed.get("final")) is not None:
                result.answer = final
                break
            name, args = parsed.get("tool", ""), parsed.get("args", {})
            if name not in TOOLS:
                result.errors.append(f"unknown tool {name!r}; known: {', '.join(sorted(TOOLS))}")
                continue
            try:
                match name:
                    case "search":
                        output: Any = await search(**args)
                    case "calculator":
                        output = await calculator(args["expression"])
            except ToolError as exc:
                result.errors.append(f"{name} failed: {exc.args[0]}")
                history.append(Message(Role.TOOL, f"error: {exc}", name=name))
                continue
            result.tools_used.append(name)
            history.append(Message(Role.TOOL, json.dumps({"output": output}), name=name))
        else:
            result.errors.append(f"step budget of {max_steps} exhausted")
        result.transcript = "\n".join(
            f"{m.role.value}{f' ({m.name})' if m.name else ''}:\n{textwrap.indent(m.content, '  > ')}"
            for m in history[1:]
        )
        return result
