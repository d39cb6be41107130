"""`LocalRuntime` runs a test's replacements: monkeypatched actions (at the workflow's import or
at the action's own module), explicit `actions={...}`, and `dependencies={...}` for `Depends`."""

from __future__ import annotations

from unittest import mock

import pytest

from tests.testing import shop_actions, shop_flows
from waymark import action
from waymark.testing import LocalRuntime


async def fake_ship(order: str) -> str:
    return f"faked {order}"


@action
async def other_ship(order: str) -> str:
    return f"other {order}"


class FakeCourier:
    name = "fake courier"


async def test_the_registered_action_runs_without_overrides() -> None:
    async with LocalRuntime():
        assert await shop_flows.Fulfil().run("o1") == "shipped o1"
        assert await shop_flows.Dispatch().run("o2") == "o2 by real courier"


async def test_a_monkeypatch_of_the_workflow_modules_name_applies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shop_flows, "ship", fake_ship)
    async with LocalRuntime():
        assert await shop_flows.Fulfil().run("o1") == "faked o1"


async def test_a_monkeypatch_of_the_actions_own_module_applies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shop_actions, "ship", fake_ship)
    async with LocalRuntime():
        assert await shop_flows.Fulfil().run("o1") == "faked o1"


async def test_a_patch_lasts_only_while_it_is_in_place() -> None:
    async with LocalRuntime():
        with mock.patch.object(shop_flows, "ship", mock.AsyncMock(return_value="mocked")) as fake:
            assert await shop_flows.Fulfil().run("o1") == "mocked"
        fake.assert_awaited_once_with("o1")
        assert await shop_flows.Fulfil().run("o1") == "shipped o1"


async def test_explicit_action_replacements_sync_async_or_another_action() -> None:
    async with LocalRuntime(actions={shop_actions.ship: fake_ship}):
        assert await shop_flows.Fulfil().run("o1") == "faked o1"
    async with LocalRuntime(actions={"tests.testing.shop_actions:ship": lambda o: f"sync {o}"}):
        assert await shop_flows.Fulfil().run("o1") == "sync o1"
    async with LocalRuntime(actions={shop_actions.ship: other_ship}):
        assert await shop_flows.Fulfil().run("o1") == "other o1"


async def test_a_replacement_that_raises_fails_the_workflow_like_the_action() -> None:
    async def broken(order: str) -> str:
        raise ConnectionError(f"no route for {order}")

    async with LocalRuntime(actions={shop_actions.ship: broken}):
        with pytest.raises(ConnectionError, match="no route for o1"):
            await shop_flows.Fulfil().run("o1")


async def test_dependency_overrides_replace_depends_providers() -> None:
    async with LocalRuntime(dependencies={shop_actions.get_courier: FakeCourier}):
        assert await shop_flows.Dispatch().run("o2") == "o2 by fake courier"


def test_action_keys_must_name_actions() -> None:
    with pytest.raises(TypeError, match="@action functions or 'module:name' paths"):
        LocalRuntime(actions={fake_ship: fake_ship})
