"""Workflows of the override tests: they call actions imported from another module."""

from __future__ import annotations

from tests.testing.shop_actions import dispatch, ship
from waymark import Workflow, workflow


@workflow
class Fulfil(Workflow):
    async def run(self, order: str) -> str:
        return await ship(order)


@workflow
class Dispatch(Workflow):
    async def run(self, order: str) -> str:
        return await dispatch(order)
