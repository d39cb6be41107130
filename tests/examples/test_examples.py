"""Every example runs on the local runtime (compile → .wrl → interpreter) and ends exactly as
its `run()` body does as plain Python (`run_inline`), for inputs that take each path."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import account_tree
import agent_loop
import data_pipeline
import flaky_api
import order_fulfilment
import parallel_math
import pytest
import report_polling
import welcome_email

from waymark import Workflow
from waymark.testing import LocalRuntime

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def both(workflow: Workflow, **inputs: Any) -> tuple[Any, Any]:
    """(durable result, plain-Python result); an exception counts as the outcome."""
    async with LocalRuntime():
        durable = await _outcome(workflow.run(**inputs))
    inline = await _outcome(workflow.run_inline(**inputs))
    return durable, inline


async def _outcome(running: Any) -> Any:
    try:
        return await running
    except Exception as error:
        return (type(error).__name__, str(error))


async def test_welcome_email_keeps_only_active_users() -> None:
    durable, inline = await both(welcome_email.WelcomeEmailWorkflow(), user_ids=["u1", "u2x", "u3"])
    assert durable == inline
    assert [result.to for result in durable] == ["u1@example.com", "u3@example.com"]


async def test_parallel_math() -> None:
    durable, inline = await both(parallel_math.ParallelMathWorkflow(), number=10)
    assert durable == inline == "10! = 3628800, fib(10) = 55"


async def test_parallel_math_past_the_length_python_prints_ints() -> None:
    durable, inline = await both(parallel_math.ParallelMathWorkflow(), number=2000)
    assert durable == inline
    assert durable.startswith("2000! = 3316275092450633241175393380576324038281117208105780394")
    assert len(durable) == len("2000! = , fib(2000) = ") + 5736 + 418


def _order(address: str, *skus: str) -> order_fulfilment.Order:
    items = [order_fulfilment.LineItem(sku=sku, quantity=2) for sku in skus]
    return order_fulfilment.Order(order_id="o-7", customer="ada", address=address, items=items)


@pytest.mark.parametrize(
    ("order", "status"),
    [
        (_order("1 Main St", "book", "mug"), "shipped"),
        (_order("Nowhere Island", "lamp"), "refunded"),
        (_order("1 Main St", "book", "gone-vase"), "rejected"),
    ],
    ids=["shipped", "refunded", "rejected"],
)
async def test_order_fulfilment_compensates_when_shipping_fails(
    order: order_fulfilment.Order, status: str
) -> None:
    durable, inline = await both(order_fulfilment.OrderFulfilmentWorkflow(), order=order)
    assert durable == inline
    assert durable.status == status
    if status == "refunded":
        assert durable.refunded == durable.charged == 80.0
        assert "Nowhere Island" in (durable.reason or "")


async def test_data_pipeline_fans_out_over_every_partition() -> None:
    durable, inline = await both(
        data_pipeline.DataPipelineWorkflow(), dataset="orders", end="2024-03-31", days=60
    )
    assert durable == inline
    assert durable.partitions == 60
    assert durable.partitions_with_rejects  # every seventh day has rejects
    assert durable.rows > 60 * 1000


@pytest.mark.parametrize("report", ["sales", "inventory", "broken"])
async def test_report_polling_sleeps_between_polls(report: str) -> None:
    durable, inline = await both(
        report_polling.ReportPollingWorkflow(), report=report, poll_seconds=0.01
    )
    assert durable == inline
    if report == "broken":
        assert durable == ("ExportFailed", "export exp-broken failed on the server")
    else:
        assert 2 <= durable.polls <= 4


async def test_report_polling_gives_up_after_max_polls() -> None:
    durable, inline = await both(
        report_polling.ReportPollingWorkflow(), report="sales", poll_seconds=0.01, max_polls=1
    )
    assert durable == inline == ("TimeoutError", "export exp-sales not ready after 1 polls")


async def test_flaky_api_retries_until_the_api_answers() -> None:
    currencies = ["EUR", "XXX", "JPY"]
    async with LocalRuntime():
        durable = await flaky_api.FlakyApiWorkflow().run(
            request_id=uuid.uuid4().hex, currencies=currencies
        )
    inline = await flaky_api.FlakyApiWorkflow().run_inline(
        request_id=uuid.uuid4().hex, currencies=currencies
    )
    assert durable == inline == {"EUR": 0.92, "XXX": None, "JPY": 151.3}


@pytest.mark.parametrize(
    ("question", "tools"),
    [
        ("What is the weather in Oslo, and what is 12*7+1?", ["weather", "calculator"]),
        ("How much is 3.5 * 4?", ["calculator"]),
        ("Tell me a joke", []),
    ],
)
async def test_agent_loop_runs_the_tools_the_model_asks_for(
    question: str, tools: list[str]
) -> None:
    durable, inline = await both(agent_loop.AgentLoopWorkflow(), question=question)
    assert durable == inline
    assert durable.tools == tools
    assert durable.turns == len(tools) + 1


async def test_agent_loop_stops_after_max_turns() -> None:
    durable, inline = await both(
        agent_loop.AgentLoopWorkflow(), question="weather in Lima and 1+1?", max_turns=1
    )
    assert durable == inline
    assert durable.text.startswith("I ran out of turns")


async def test_account_tree_closes_sub_accounts_with_child_workflows() -> None:
    durable, inline = await both(account_tree.CloseAccount(), account="root")
    assert durable == inline
    assert durable.closed == ["ops-eu", "ops", "sales-eu", "sales", "root"]
    assert durable.refused == ["ops-us still holds 120"]


def test_every_example_is_tested_here() -> None:
    tested = {"welcome_email", "parallel_math", "order_fulfilment", "data_pipeline",
              "report_polling", "flaky_api", "agent_loop", "account_tree"}  # fmt: skip
    assert {path.stem for path in EXAMPLES.glob("*.py")} == tested
