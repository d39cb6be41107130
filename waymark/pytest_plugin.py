"""The pytest plugin of waymark (entry point `pytest11`): the `waymark_runtime` fixture.

    async def test_welcome(waymark_runtime):
        assert await WelcomeWorkflow().run(["u1"]) == [...]

The fixture yields an active `LocalRuntime` (virtual time unless the test is marked
`@pytest.mark.waymark(virtual_time=False)`). It runs on pytest-asyncio (`pip install
'waymark[testing]'` brings both) in its default strict mode too: an `async def` test that asks
for the fixture is marked `asyncio` here, so it needs no marker and no `asyncio_mode` setting.
Without pytest-asyncio the fixture fails with what to install.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest

from waymark_runtime.local import LocalRuntime

FIXTURE = "waymark_runtime"
MISSING = (
    "the waymark_runtime fixture needs pytest-asyncio: pip install pytest-asyncio "
    "(or pip install 'waymark[testing]')"
)

try:
    import pytest_asyncio
except ImportError:
    pytest_asyncio = None  # type: ignore[assignment]


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def waymark_runtime(request: pytest.FixtureRequest) -> AsyncIterator[LocalRuntime]:
        """An active `LocalRuntime` for one test; `@pytest.mark.waymark(virtual_time=False)`
        passes options to it (any of LocalRuntime's, e.g. `actions={ship: fake_ship}`)."""
        marker = request.node.get_closest_marker("waymark")
        options = marker.kwargs if marker is not None else {}
        async with LocalRuntime(**options) as runtime:
            yield runtime

else:

    @pytest.fixture(name=FIXTURE)
    def _missing_pytest_asyncio() -> None:
        pytest.fail(MISSING, pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> None:
    """Mark `async def` tests that take the fixture `asyncio` before pytest-asyncio (strict mode
    by default) decides which coroutines it runs; collection itself is left to pytest."""
    if pytest_asyncio is None or not inspect.iscoroutinefunction(obj):
        return
    try:
        parameters = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return
    marks = getattr(obj, "pytestmark", [])
    if FIXTURE in parameters and not any(mark.name == "asyncio" for mark in marks):
        pytest.mark.asyncio(obj)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "waymark(**options): options of the `waymark_runtime` fixture's LocalRuntime"
    )
