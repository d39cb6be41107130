"""An LLM agent's tool loop: ask the model, run the tool it picks, feed the result back, repeat.

Each model call and each tool call is an action, so a long conversation survives crashes and
deploys without paying for a model call twice, and the loop is plain Python: `for` with an
early `return`, `match` on the tool name, a list of messages that grows. The model is a
scripted stand-in (no network): it asks for the weather and for arithmetic when the question
mentions them, then answers from the tool results.
"""

import ast
import operator
from datetime import timedelta

from pydantic import BaseModel

from waymark import RetryPolicy, Workflow, action, workflow


class Message(BaseModel):
    role: str
    content: str


class ToolCall(BaseModel):
    tool: str
    argument: str


class ModelReply(BaseModel):
    content: str
    tool_call: ToolCall | None = None


class Answer(BaseModel):
    text: str
    turns: int
    tools: list[str]


WEATHER = {"paris": "light rain, 14°C", "oslo": "snow, -3°C", "lima": "sunny, 24°C"}
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Div: operator.truediv}  # fmt: skip


def _plan(messages: list[Message]) -> ModelReply:
    """The scripted model: one tool per need it sees in the question, then an answer."""
    question = messages[0].content
    asked = {m.content.partition(":")[0] for m in messages if m.role == "assistant"}
    observations = [m.content for m in messages if m.role == "tool"]
    city = next((name for name in WEATHER if name in question.lower()), None)
    if city and "calling weather" not in asked:
        return ModelReply(
            content="calling weather: " + city, tool_call=ToolCall(tool="weather", argument=city)
        )
    expression = "".join(ch for ch in question if ch in "0123456789+-*/. ").strip()
    if any(op in expression for op in "+-*/") and "calling calculator" not in asked:
        return ModelReply(content="calling calculator: " + expression,
                          tool_call=ToolCall(tool="calculator", argument=expression))  # fmt: skip
    return ModelReply(content="Here is what I found: " + "; ".join(observations) + ".")


def _evaluate(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise ValueError("only + - * / on numbers")


@action
async def call_model(messages: list[Message]) -> ModelReply:
    return _plan(messages)


@action
async def get_weather(city: str) -> str:
    return f"weather in {city.title()}: {WEATHER.get(city, 'unknown')}"


@action
async def calculate(expression: str) -> str:
    return f"{expression} = {_evaluate(ast.parse(expression, mode='eval').body):g}"


@workflow
class AgentLoopWorkflow(Workflow):
    async def run(self, question: str, max_turns: int = 6) -> Answer:
        messages = [Message(role="user", content=question)]
        tools: list[str] = []
        for turn in range(1, max_turns + 1):
            reply = await self.run_action(
                call_model(messages), retry=RetryPolicy(attempts=3), timeout=timedelta(seconds=60)
            )
            messages.append(Message(role="assistant", content=reply.content))
            if reply.tool_call is None:
                return Answer(text=reply.content, turns=turn, tools=tools)
            match reply.tool_call.tool:
                case "weather":
                    observation = await get_weather(reply.tool_call.argument)
                case "calculator":
                    observation = await calculate(reply.tool_call.argument)
                case _:
                    observation = f"unknown tool {reply.tool_call.tool}"
            tools.append(reply.tool_call.tool)
            messages.append(Message(role="tool", content=observation))
        return Answer(
            text="I ran out of turns before finding an answer.", turns=max_turns, tools=tools
        )
