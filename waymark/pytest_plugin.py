"""The pytest plugin of waymark (entry point `pytest11`): the `waymark_runtime` fixture.

    async def test_welcome(waymark_runtime):
        assert await WelcomeWorkflow().run(["u1"]) == [...]

The fixture yields an active `LocalRuntime` (virtual time unless the test is marked
`@pytest.mark.waymark(virtual_time=False)`); it needs pytest-asyncio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from waymark_runtime.local import LocalRuntime

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - without pytest-asyncio the fixture is not offered
    pytest_asyncio = None  # type: ignore[assignment]


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def waymark_runtime(request: pytest.FixtureRequest) -> AsyncIterator[LocalRuntime]:
        """An active `LocalRuntime` for one test; `@pytest.mark.waymark(virtual_time=False)`
        passes options to it."""
        marker = request.node.get_closest_marker("waymark")
        options = marker.kwargs if marker is not None else {}
        async with LocalRuntime(**options) as runtime:
            yield runtime


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "waymark(**options): options of the `waymark_runtime` fixture's LocalRuntime"
    )
