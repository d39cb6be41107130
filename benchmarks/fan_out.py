"""W2 and W2.otel: one gather of no-op actions, on an untraced runner and on a runner whose
workers trace every attempt, measured in pairs.

The two need different runners (a worker sets tracing up when it imports `benchmarks.workflows`)
and a shared machine's load moves while they run, so the runs alternate, untraced and traced,
then traced and untraced (ABBA: a steady drift favours neither side), each fresh runner warmed
up by a small gather first. W2.otel's ratio is the median of the pairs' ratios, not the ratio
of two medians taken minutes apart. The CPU time the runner and its workers spent per action
is kept in the details: load on the machine barely moves it, so the difference of the two is
what tracing costs per attempt.
"""

from __future__ import annotations

import statistics

from benchmarks.context import Context, Runners
from benchmarks.results import Measured
from benchmarks.runner_process import RunnerProcess
from benchmarks.runtime_workloads import _check, _timed
from benchmarks.workflows import OTEL_ENV, BenchFanOut

_PLAIN, _TRACED = "W2.actions", "W2.otel"
_ENV: dict[str, dict[str, str] | None] = {_PLAIN: None, _TRACED: {OTEL_ENV: "1"}}
_WARM_UP = 20
"""Actions of the gather a fresh runner runs before it is measured (its first gather pays for
parsing the program and for the first connections)."""


async def w2(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    measured = Measured(details={"cpu_us_per_action": {_PLAIN: [], _TRACED: []}})
    warm: set[RunnerProcess] = set()
    for index in range(ctx.scale.repeats):
        order = (_PLAIN, _TRACED) if index % 2 == 0 else (_TRACED, _PLAIN)
        rates: dict[str, float] = {}
        for key in order:
            rate, cpu = await _one_gather(runners, ctx, key, warm)
            rates[key] = rate
            measured.details["cpu_us_per_action"][key].append(cpu)
        measured.add_pair(_TRACED, rates[_TRACED], _PLAIN, rates[_PLAIN])
    cpu = measured.details["cpu_us_per_action"]
    measured.details["tracing_cpu_us_per_action"] = statistics.median(cpu[_TRACED]) - (
        statistics.median(cpu[_PLAIN])
    )
    return measured


async def _one_gather(
    runners: Runners, ctx: Context, key: str, warm: set[RunnerProcess]
) -> tuple[float, float]:
    """One measured gather on the runner of `key`: actions/s, and the microseconds of CPU the
    runner and its workers spent per action."""
    runner = await runners.get(ctx.concurrency, env=_ENV[key])
    if runner not in warm:
        warm.add(runner)
        await _gather(runner, _WARM_UP)
    count = ctx.scale.w2_actions
    cpu = runner.cpu_seconds()
    seconds = await _gather(runner, count)
    return count / seconds, (runner.cpu_seconds() - cpu) / count * 1e6


async def _gather(runner: RunnerProcess, count: int) -> float:
    """Seconds of one checked gather of `count` actions."""
    length, seconds = await _timed(runner, BenchFanOut().run(count))
    _check(length, count, "BenchFanOut")
    return seconds
