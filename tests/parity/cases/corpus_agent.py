"""A support agent's tool loop: the model replies with JSON tool calls, tools are dispatched
by name with argument validation, tool errors are fed back to the model, the conversation is
trimmed to a token budget, and the loop stops at an answer or a step limit."""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, TypedDict

from waymark import Workflow, action, workflow

ORDERS = {
    "A-100": {"status": "shipped", "total": 42.5},
    "A-200": {"status": "lost", "total": 310.0},
}


class Message(TypedDict):
    role: str
    content: str


class ToolError(Exception):
    pass


class UnknownTool(ToolError):
    pass


class BadArguments(ToolError):
    pass


@dataclass
class Usage:
    prompt: int = 0
    completion: int = 0
    tools: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.prompt + self.completion


@action
async def complete(messages: list[Message], turn: int) -> str:
    last = messages[-1]["content"]
    if turn == 0:
        order = re.search(r"\b[A-Z]-\d{3}\b", messages[0]["content"])
        return json.dumps(
            {"tool": "lookup_order", "args": {"order_id": order[0] if order else "?"}}
        )
    if '"status": "lost"' in last:
        return json.dumps({"tool": "issue_refund", "args": {"order_id": "A-200", "amount": "310"}})
    if "error" in last and turn < 3:
        return json.dumps({"tool": "search_faq", "args": {"q": "where is my order"}})
    if turn >= 4:
        return "not json at all"
    return json.dumps({"answer": f"Done after {turn} steps: {last[:40]}"})


@action
async def lookup_order(order_id: str) -> dict[str, Any]:
    if order_id not in ORDERS:
        raise KeyError(order_id)
    return ORDERS[order_id]


@action
async def issue_refund(order_id: str, amount: float) -> str:
    return f"refund {amount:.2f} for {order_id}"


def tokens(text: str) -> int:
    return len(text.split()) + text.count(",")


def trim(history: deque[Message], budget: int) -> list[Message]:
    kept = list(history)
    while len(kept) > 2 and sum(tokens(m["content"]) for m in kept) > budget:
        del kept[1]
    return kept


@workflow
class SupportAgent(Workflow):
    async def call_tool(self, name: str, args: dict[str, Any]) -> str:
        match name, args:
            case "lookup_order", {"order_id": str(order_id)}:
                return json.dumps(await lookup_order(order_id), sort_keys=True)
            case "issue_refund", {"order_id": str(order_id), "amount": amount}:
                try:
                    value = float(amount)
                except ValueError as error:
                    raise BadArguments(f"amount: {error}") from error
                return await issue_refund(order_id, value)
            case (("lookup_order" | "issue_refund"), _):
                raise BadArguments(f"{name} got {sorted(args)}")
            case _:
                raise UnknownTool(name)

    async def run(self, question: str, max_steps: int = 6, budget: int = 60) -> dict[str, Any]:
        history: deque[Message] = deque(maxlen=12)
        history.append({"role": "user", "content": question})
        usage = Usage()
        for step in range(max_steps):
            prompt = trim(history, budget)
            usage.prompt += sum(tokens(m["content"]) for m in prompt)
            reply = await complete(prompt, step)
            usage.completion += tokens(reply)
            try:
                parsed = json.loads(reply)
            except json.JSONDecodeError as error:
                return {
                    "answer": None,
                    "error": f"bad reply at step {step}: {error.msg}",
                    "steps": step + 1,
                }
            history.append({"role": "assistant", "content": reply})
            if "answer" in parsed:
                return {
                    "answer": parsed["answer"],
                    "steps": step + 1,
                    "usage": usage.total,
                    "tools": dict(usage.tools),
                }
            name = parsed.get("tool", "")
            usage.tools[name] += 1
            try:
                result = await self.call_tool(name, parsed.get("args", {}))
            except ToolError as error:
                result = f"error: {type(error).__name__}: {error}"
            except KeyError as error:
                result = f"error: no such record {error}"
            history.append({"role": "tool", "content": result})
        return {
            "answer": None,
            "error": "step limit",
            "steps": max_steps,
            "tools": usage.tools.most_common(),
        }
