"""The workflows and actions the benchmark workloads run (W1-W7) and the pure one I1 interprets.

Workers load this module through `WAYMARK_USER_MODULE=benchmarks.workflows`; the suite submits
instances of these classes through the PostgreSQL client. Actions do no work of their own
(`nap` sleeps), so a workload measures the runtime, not the action.
"""

from __future__ import annotations

import asyncio
import os

from benchmarks import statement_log
from waymark import Workflow, action, workflow

NAP_SECONDS = 0.05
OTEL_ENV = "WM_BENCH_OTEL"
"""Set (by the W2 workload) for a runner whose workers trace every attempt."""


def _trace_attempts() -> None:
    """An OpenTelemetry SDK whose spans are batched to an exporter that drops them: the cost
    of recording a span per attempt, without the cost of any backend."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class Dropped(SpanExporter):
        def export(self, spans: object) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(Dropped()))
    trace.set_tracer_provider(provider)


if os.environ.get(OTEL_ENV):
    _trace_attempts()
if os.environ.get(statement_log.ENV):
    statement_log.install_from_environment()


@action
async def noop(value: int) -> int:
    return value


@action
async def nap(value: int) -> int:
    await asyncio.sleep(NAP_SECONDS)
    return value


@workflow
class BenchSequential(Workflow):
    """W1: `count` actions, each awaited before the next starts."""

    async def run(self, count: int) -> int:
        total = 0
        for index in range(count):
            total += await noop(index)
        return total


@workflow
class BenchFanOut(Workflow):
    """W2: `count` actions in one `asyncio.gather`."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[noop(index) for index in range(count)])
        return len(results)


@workflow
class BenchThreeSteps(Workflow):
    """W3: three sequential actions, each fed the previous result."""

    async def run(self, seed: int) -> int:
        first = await noop(seed)
        second = await noop(first + 1)
        return await noop(second + 1)


@workflow
class BenchOneAction(Workflow):
    """W4: one action; the client waits for the result."""

    async def run(self, seed: int) -> int:
        return await noop(seed)


@workflow
class BenchSignalled(Workflow):
    """S1: waits for one signal `ping`, then ends with it."""

    async def run(self, seed: int) -> int:
        return seed + await self.wait_for_signal("ping", int)


@workflow
class BenchSleeper(Workflow):
    """W5: a durable sleep, then one action."""

    async def run(self, seconds: float, seed: int) -> int:
        await asyncio.sleep(seconds)
        return await noop(seed)


@workflow
class BenchNaps(Workflow):
    """W6: `count` I/O-bound actions in one `asyncio.gather`."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[nap(index) for index in range(count)])
        return len(results)


@action
async def spread_nap(value: int) -> int:
    """Sleeps 25 to 75 ms (50 on average), a different time for each value, as real calls
    differ: the replies of a gather come back one at a time, not in groups (see `nap`)."""
    await asyncio.sleep(NAP_SECONDS * (0.5 + value * 37 % 101 / 100))
    return value


@workflow
class BenchSpreadNaps(Workflow):
    """W8: `count` I/O-bound actions of unequal length in one `asyncio.gather`."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[spread_nap(index) for index in range(count)])
        return len(results)


@workflow
class BenchPureControlFlow(Workflow):
    """I1: loops, branches, arithmetic and a list, no action: the interpreter alone."""

    async def run(self, rounds: int) -> int:
        total = 0
        odd = 0
        seen: list[int] = []
        for index in range(rounds):
            if index % 3 == 0:
                total += index
            elif index % 3 == 1:
                odd += 1
            else:
                seen.append(index)
        countdown = rounds
        while countdown > 0:
            countdown -= 2
            if countdown % 5 == 0:
                continue
            total -= 1
        return total + odd + len(seen)


BENCH_WORKFLOWS: tuple[type[Workflow], ...] = (
    BenchSequential,
    BenchFanOut,
    BenchThreeSteps,
    BenchOneAction,
    BenchSleeper,
    BenchNaps,
    BenchSpreadNaps,
    BenchPureControlFlow,
)


@workflow
class BenchChild(Workflow):
    """W7: one child workflow, one action."""

    async def run(self, value: int) -> int:
        return await noop(value)


@workflow
class BenchChildren(Workflow):
    """W7: `count` child workflows in one `asyncio.gather`."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[BenchChild().run(value=i) for i in range(count)])
        return sum(results)


@action(concurrency=100_000)
async def noop_gated(value: int) -> int:
    """F1: a no-op under a concurrency limit that never binds: only the gate's bookkeeping."""
    return value


@action(concurrency=10)
async def noop_narrow(value: int) -> int:
    """F1: a no-op of which at most 10 execute at once, across runners."""
    return value


@workflow
class BenchFanOutGated(Workflow):
    """F1: W2's gather, each action under a limit that never binds."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[noop_gated(index) for index in range(count)])
        return len(results)


@workflow
class BenchFanOutNarrow(Workflow):
    """F1: W2's gather, at most 10 of its actions executing at once."""

    async def run(self, count: int) -> int:
        results = await asyncio.gather(*[noop_narrow(index) for index in range(count)])
        return len(results)
