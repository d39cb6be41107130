"""Prometheus metrics of a real `start-workers` process on PostgreSQL, read by scraping
`/metrics` at `WAYMARK_METRICS_ADDR`: attempts by action and outcome, retries, durations,
instances by status, the queue, claims, group commits and worker restarts."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

import waymark
from tests.runtime import observe_flows, runtime_flows
from tests.runtime.support import start_workers_env, start_workers_process
from waymark_runtime.actions import ActionTimeout
from waymark_runtime.config import ConfigError, Settings

pytestmark = pytest.mark.usefixtures("worker_env")

NOOP = "tests.runtime.runtime_flows:noop"
FLAKY = "tests.runtime.observe_flows:flaky"
CRASH = "tests.runtime.runtime_flows:crash_process"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def scraped_until(port: int, name: str, wanted: float, **labels: str) -> Samples:
    """Scrape until `name` reaches `wanted` (gauges refresh every few seconds)."""
    samples: Samples = {}
    for _ in range(150):
        samples = scrape(port)
        if (value(samples, name, **labels) or 0) >= wanted:
            return samples
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name}{labels} never reached {wanted}: {samples}")


async def test_start_workers_serves_metrics(database: str, tmp_path: Path) -> None:
    port = free_port()
    modules = "tests.runtime.observe_flows,tests.runtime.runtime_flows"
    env = start_workers_env(database, WAYMARK_USER_MODULE=modules,
                            WAYMARK_METRICS_ADDR=f"127.0.0.1:{port}",
                            WAYMARK_LOST_ATTEMPT_RETRIES="1")  # fmt: skip
    with start_workers_process(env, tmp_path / "start-workers.log"):
        async with waymark.connect(database) as client:
            assert [await runtime_flows.Single().run(n) for n in range(3)] == [0, 1, 2]
            exploding = await observe_flows.Exploding().run("m", _blocking=False)
            with pytest.raises(ValueError):
                await client.get_result(exploding, timeout=30)
            marker = str(tmp_path / "crashed-once")
            assert await runtime_flows.Crashing().run(marker) == "survived"
            with pytest.raises(ActionTimeout, match="lost 2 times"):  # past the budget of 1
                await runtime_flows.Crashing().run("")
        samples = await scraped_until(port, "waymark_instances", 2, status="failed")

    assert value(samples, "waymark_actions_started_total", action=NOOP) == 3
    assert value(samples, "waymark_actions_succeeded_total", action=NOOP) == 3
    assert value(samples, "waymark_attempt_duration_seconds_count", action=NOOP) == 3
    assert value(samples, "waymark_actions_failed_total", action=FLAKY) == 2
    assert value(samples, "waymark_actions_retried_total", action=FLAKY) == 1
    # lost with its worker, started again (alone in a new worker), then it returned; then lost
    # twice, and failed past the budget of one loss: the one failure, counted by the runner
    assert value(samples, "waymark_actions_started_total", action=CRASH) == 4
    assert value(samples, "waymark_actions_succeeded_total", action=CRASH) == 1
    assert value(samples, "waymark_actions_failed_total", action=CRASH) == 1
    assert value(samples, "waymark_worker_restarts_total") == 3
    assert value(samples, "waymark_instances", status="failed") == 2
    assert value(samples, "waymark_queue_depth") == 0
    assert value(samples, "waymark_queue_oldest_age_seconds") == 0
    assert (value(samples, "waymark_claim_duration_seconds_count") or 0) >= 1
    assert (value(samples, "waymark_commit_duration_seconds_count") or 0) >= 5
    commits = value(samples, "waymark_commit_batch_instances_count")
    assert commits == value(samples, "waymark_commit_duration_seconds_count")


def test_metrics_address_is_host_and_port() -> None:
    assert Settings.from_env({}).metrics_addr is None
    assert Settings.from_env({"WAYMARK_METRICS_ADDR": ":9464"}).metrics_addr == ":9464"
    with pytest.raises(ConfigError, match="WAYMARK_METRICS_ADDR must be host:port"):
        Settings.from_env({"WAYMARK_METRICS_ADDR": "localhost"})
