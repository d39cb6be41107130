"""Workflows and actions of the observability tests (logs, tracebacks, exception values).

Worker processes import this module by name (`WAYMARK_USER_MODULE=tests.runtime.observe_flows`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from pydantic import BaseModel

from waymark import ActionTimeout, RetryPolicy, SignalTimeout, Workflow, action, workflow

log = logging.getLogger("observe_flows")
SPANS_ENV = "WM_TEST_SPANS"


def _export_spans_to(path: str) -> None:
    """In a worker process: export every finished span as a JSON line appended to `path`."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

    def line(span: object) -> str:
        return span.to_json(indent=None) + "\n"  # type: ignore[attr-defined]

    provider = TracerProvider()
    exporter = ConsoleSpanExporter(out=open(path, "a"), formatter=line)  # noqa: SIM115
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


if os.environ.get(SPANS_ENV) and os.environ.get("WAYMARK_WORKER_PROCESS"):
    _export_spans_to(os.environ[SPANS_ENV])


class QuotaExceeded(Exception):
    """A user exception whose `__init__` takes other arguments than its message."""

    def __init__(self, user: str, limit: int) -> None:
        super().__init__(f"{user} is over its quota of {limit}")
        self.user = user
        self.limit = limit


class Unprintable(Exception):
    """A user exception whose `str()`, `repr()` and `args` all raise."""

    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    @property
    def args(self) -> tuple[object, ...]:  # type: ignore[override]
        raise RuntimeError("no args")


class Order(BaseModel):
    id: int
    amount: float


def _explode(reason: str) -> None:
    raise ValueError(f"exploded: {reason}")


@action
async def flaky(reason: str) -> str:
    log.info("about to fail: %s", reason)
    _explode(reason)
    return reason


@action
async def parse_order(payload: dict[str, object]) -> Order:
    return Order.model_validate(payload)


@action
async def over_quota(user: str) -> str:
    raise QuotaExceeded(user, 5)


@action
async def unprintable(user: str) -> str:
    raise Unprintable(user)


@action
async def cancels_itself(user: str) -> str:
    raise asyncio.CancelledError(user)


@action
async def closes_itself(user: str) -> str:
    raise GeneratorExit(user)


@action
async def describe_failure(error: Exception) -> str:
    return f"{type(error).__name__}: {error} ({getattr(error, 'user', None)})"


@workflow
class Exploding(Workflow):
    async def run(self, reason: str) -> str:
        return await self.run_action(flaky(reason), retry=RetryPolicy(attempts=2))


@workflow
class ParseOrder(Workflow):
    async def run(self, payload: dict[str, object]) -> Order:
        return await parse_order(payload)


@workflow
class OverQuota(Workflow):
    async def run(self, user: str) -> str:
        return await over_quota(user)


@workflow
class DescribeQuota(Workflow):
    async def run(self, user: str) -> str:
        try:
            return await over_quota(user)
        except QuotaExceeded as err:
            return await describe_failure(err)


@action
async def traced(item: str) -> str:
    """Opens a span of its own: it nests under the attempt's span."""
    from opentelemetry import trace

    with trace.get_tracer("observe_flows").start_as_current_span(f"pack {item}"):
        return item.upper()


@action
async def annotated(item: str) -> str:
    """Records on the attempt's span (the current one) and opens a span of its own under it."""
    from opentelemetry import trace

    span = trace.get_current_span()
    span.set_attribute("shop.item", item)
    span.set_attributes({"shop.sizes": [1, 2], "shop.gift": True})
    span.add_event("packed", {"shop.box": f"box of {item}"})
    try:
        raise KeyError(item)
    except KeyError as error:
        span.record_exception(error)
    with trace.get_tracer("observe_flows").start_as_current_span(f"wrap {item}"):
        return item.upper()


@action
async def dawdle(seconds: float) -> float:
    """Sleeps: long enough to be cancelled while it runs."""
    await asyncio.sleep(seconds)
    return seconds


@workflow
class Traced(Workflow):
    async def run(self, item: str) -> str:
        return await traced(item)


@workflow
class Annotated(Workflow):
    async def run(self, item: str) -> str:
        return await annotated(item)


@workflow
class Pausing(Workflow):
    """Sleeps `nap` seconds, then waits for signal `go` at most `patience` seconds."""

    async def run(self, nap: float, patience: float) -> str:
        await asyncio.sleep(nap)
        try:
            return await self.wait_for_signal("go", str, timeout=patience)
        except SignalTimeout:
            return "gave up"


@workflow
class CatchUnprintable(Workflow):
    async def run(self, user: str) -> str:
        try:
            return await unprintable(user)
        except Unprintable:
            return "caught as Unprintable"


@workflow
class CancelsItself(Workflow):
    async def run(self, user: str) -> str:
        return await cancels_itself(user)


@workflow
class ClosesItself(Workflow):
    async def run(self, user: str) -> str:
        return await closes_itself(user)


STUBBORN_ENDED: list[str] = []
"""Keys of `stubborn` attempts that ended (in process: LocalRuntime's tests read it)."""


@action
async def stubborn(key: str) -> str:
    """Catches every cancellation and goes on: only closing its coroutine ends it."""
    try:
        while True:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(0.05)
    finally:
        STUBBORN_ENDED.append(key)


@workflow
class IgnoresItsDeadline(Workflow):
    async def run(self, key: str) -> str:
        try:
            return await self.run_action(stubborn(key), timeout=0.3)
        except ActionTimeout as error:
            return f"ActionTimeout: {error}"


@workflow
class IgnoresCancellation(Workflow):
    async def run(self, key: str) -> str:
        return await stubborn(key)
