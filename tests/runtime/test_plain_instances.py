"""An instance of a plain class lives inside its workflow: it is kept across awaits, and leaving
the workflow (an action's argument or result, the workflow's result) fails with
`ValueNotSerializable` naming the class, the same way on LocalRuntime and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import plain_flows as flows
from tests.runtime.support import FLOWS, runner_settings, running
from waymark import ValueNotSerializable
from waymark.testing import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

LEAVES = "an instance of the plain class Box (tests.runtime.plain_flows:Box) cannot leave"


async def _both(store: PostgresStore, database: str, workflow: Any) -> list[Any]:
    outcomes = []
    async with LocalRuntime():
        outcomes.append(await _outcome(workflow))
    settings = runner_settings(database, user_modules=(FLOWS, flows.__name__))
    async with running(store, settings), waymark.connect(database):
        outcomes.append(await _outcome(workflow))
    return outcomes


async def _outcome(workflow: Any) -> Any:
    try:
        return await workflow.run()
    except ValueNotSerializable as error:
        return ("raised", str(error))


async def test_a_plain_instance_as_the_workflow_result_fails_naming_its_class(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    for outcome in await _both(store, database, flows.ReturnsBox()):
        assert outcome[0] == "raised" and LEAVES in outcome[1]
        assert "make Box a @dataclass or a pydantic model" in outcome[1]


async def test_a_plain_instance_as_an_action_argument_fails_the_instance(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    local, durable = await _both(store, database, flows.SendsBox())
    assert local == durable and LEAVES in local[1]


async def test_a_plain_instance_as_an_action_result_fails_the_attempt(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    local, durable = await _both(store, database, flows.ReceivesBox())
    assert local == durable and LEAVES in local


async def test_a_plain_instance_shows_without_an_address_and_compares_by_identity(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    shown = "<tests.runtime.plain_flows.Box object>"
    for outcome in await _both(store, database, flows.ShowsBox()):
        assert outcome == [shown, shown, True, False, 4]


async def test_a_plain_instance_as_a_workflow_input_is_refused_before_anything_is_stored() -> None:
    async with LocalRuntime():
        with pytest.raises(ValueNotSerializable, match=r"tests\.runtime\.plain_flows:Box"):
            await flows.TakesBox().run(box=flows.Box(1))
