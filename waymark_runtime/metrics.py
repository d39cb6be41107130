"""Prometheus metrics of `start-workers`, served on `/metrics` at `WAYMARK_METRICS_ADDR`.

Off unless that variable is set: then `enable` makes a `Metrics` current (`current()`), with
its own registry and HTTP server thread, and the runner, its pool and `refresh_queue` record
into it. Recording is a counter or histogram update on a child cached per action, so the hot
paths pay a dict lookup per attempt; with metrics off they pay one `None` check.
`prometheus_client` is imported only by `enable`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark_runtime.store.contract import InspectionStore, QueueStats

log = logging.getLogger("waymark.metrics")

_DURATIONS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
_STORE_DURATIONS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
_BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_STATUSES = ("queued", "running", "completed", "failed", "cancelled")

_current: Metrics | None = None


def current() -> Metrics | None:
    """The metrics this process records into, or None when they are off."""
    return _current


class Metrics:
    """Every metric of one process, in a registry of its own."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        r = self.registry
        by_action = ["action"]
        self.started = Counter("waymark_actions_started", "Attempts started, by action.",
                               by_action, registry=r)  # fmt: skip
        self.succeeded = Counter("waymark_actions_succeeded", "Attempts that returned, by action.",
                                 by_action, registry=r)  # fmt: skip
        self.failed = Counter("waymark_actions_failed", "Attempts that raised, timed out or "
                              "were lost or orphaned past their budget, by action.", by_action, registry=r)  # fmt: skip
        self.retried = Counter("waymark_actions_retried", "Retries planned after a failed "
                               "attempt, by action.", by_action, registry=r)  # fmt: skip
        self.duration = Histogram("waymark_attempt_duration_seconds", "How long attempts ran "
                                  "(dispatch to reply), by action.", by_action,
                                  buckets=_DURATIONS, registry=r)  # fmt: skip
        self.instances = Gauge("waymark_instances", "Instances in the database, by status.",
                               ["status"], registry=r)  # fmt: skip
        self.queue_depth = Gauge("waymark_queue_depth", "Instances runnable now that no runner "
                                 "holds.", registry=r)  # fmt: skip
        self.queue_age = Gauge("waymark_queue_oldest_age_seconds", "How long the longest "
                               "waiting runnable instance has waited (0 when none waits).",
                               registry=r)  # fmt: skip
        self.claim = Histogram("waymark_claim_duration_seconds", "Duration of one claim "
                               "statement.", buckets=_STORE_DURATIONS, registry=r)  # fmt: skip
        self.commit_size = Histogram("waymark_commit_batch_instances", "Instances written by "
                                     "one group commit.", buckets=_BATCH_SIZES, registry=r)  # fmt: skip
        self.commit = Histogram("waymark_commit_duration_seconds", "Duration of one group "
                                "commit.", buckets=_STORE_DURATIONS, registry=r)  # fmt: skip
        self.restarts = Counter("waymark_worker_restarts", "Worker processes started again "
                                "after one exited unexpectedly.", registry=r)  # fmt: skip
        self._children: dict[tuple[str, str], Any] = {}
        self._server: Any = None

    def _child(self, metric: Any, action: str) -> Any:
        key = (metric._name, action)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(action)
        return child

    def attempt_started(self, action: str) -> None:
        self._child(self.started, action).inc()

    def attempt_replied(self, action: str, ok: bool, seconds: float | None) -> None:
        """A worker replied: a success counts here, a failure where it is decided
        (`attempt_failed`), with the failures that come without a reply."""
        if ok:
            self._child(self.succeeded, action).inc()
        if seconds is not None:
            self._child(self.duration, action).observe(seconds)

    def attempt_failed(self, action: str) -> None:
        """One attempt failed for good: it raised or timed out (its reply, or an unstorable
        value, taken by the runner), was lost past `WAYMARK_LOST_ATTEMPT_RETRIES`, or was
        orphaned past `WAYMARK_ORPHANED_ATTEMPT_RETRIES` (failed by the lease reclaimer)."""
        self._child(self.failed, action).inc()

    def attempt_retried(self, action: str) -> None:
        self._child(self.retried, action).inc()

    def queue(self, stats: QueueStats) -> None:
        for status in {*_STATUSES, *stats.by_status}:
            self.instances.labels(status).set(stats.by_status.get(status, 0))
        self.queue_depth.set(stats.runnable)
        self.queue_age.set(stats.oldest_wait or 0.0)

    def serve(self, address: str) -> None:
        from prometheus_client import start_http_server

        host, port = parse_address(address)
        self._server, _ = start_http_server(port, host, registry=self.registry)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def parse_address(address: str) -> tuple[str, int]:
    """`host:port` (or `:port`, every interface) as a host and a port number (`config` has
    checked its shape)."""
    host, _, port = address.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


async def refresh_queue(
    metrics: Metrics, store: InspectionStore, clock: Callable[[], float], interval: float
) -> None:
    """Every `interval` seconds, the instance and queue gauges from the database (a failed
    query is retried next round: metrics never stop the runner)."""
    while True:
        try:
            metrics.queue(await store.queue_stats(clock()))
        except Exception as error:
            log.debug("metrics: cannot read the queue: %s", error)
        await asyncio.sleep(interval)


def enable(address: str) -> Metrics:
    """Record metrics in this process from now on, served at `address` (`host:port`)."""
    global _current
    metrics = Metrics()
    metrics.serve(address)
    _current = metrics
    return metrics


def disable() -> None:
    global _current
    if _current is not None:
        _current.close()
    _current = None
