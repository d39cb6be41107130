"""The waterfall of one run: a bar per attempt (queued, then running), per durable sleep and
per signal wait (until a signal answers it, its timeout, or now).

Positions are percentages of the run's span (created until finished, or until now), so the
template draws plain `<div>`s with a width and an offset: no JavaScript, no canvas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from waymark_runtime.admin import InstanceDetail, SleepRecord
from waymark_runtime.signals import SignalRecord


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    status: str
    left: float
    """Where the bar starts, in percent of the span."""
    wait: float
    """The queued part (ready, not yet started), in percent."""
    width: float
    """The running part, in percent (at least a sliver, to stay visible)."""
    seconds: float | None


@dataclass(frozen=True, slots=True)
class Timeline:
    start: float
    end: float
    bars: tuple[Bar, ...]

    @property
    def span(self) -> float:
        return self.end - self.start


def timeline(detail: InstanceDetail, now: float) -> Timeline:
    start = detail.summary.created_at
    ends = [detail.summary.finished_at or now]
    ends += [sleep.wake_at for sleep in detail.sleeps]
    ends += [w.times_out_at for w in _waits(detail) if w.pending and w.times_out_at is not None]
    end = max(*ends, start + 0.001)
    span = end - start

    def percent(moment: float) -> float:
        return max(0.0, min(100.0, (moment - start) / span * 100))

    bars = []
    for attempt in detail.attempts:
        begin = attempt.ready_at
        started = attempt.started_at or (attempt.finished_at if attempt.finished_at else now)
        finished = attempt.finished_at or (now if attempt.started_at else started)
        left = percent(begin)
        wait = percent(started) - left
        width = max(percent(finished) - percent(started), 0.4)
        seconds = None if attempt.started_at is None else finished - attempt.started_at
        label = f"{attempt.node} {attempt.action} #{attempt.attempt}"
        bars.append(Bar(label, attempt.status, left, wait, width, seconds))
    for sleep in detail.sleeps:
        begun = (
            sleep.started_at if sleep.started_at is not None else _sleep_start(detail, sleep, now)
        )
        ended = sleep.finished_at or sleep.wake_at
        left = percent(begun)
        status = "completed" if sleep.finished else "sleeping"
        bars.append(Bar(f"{sleep.node} sleep", status, left, 0.0,
                        max(percent(ended) - left, 0.4), ended - begun))  # fmt: skip
    bars += [_wait_bar(signal_wait, percent, now) for signal_wait in _waits(detail)]
    return Timeline(start, end, tuple(sorted(bars, key=lambda bar: bar.left)))


def _waits(detail: InstanceDetail) -> list[SignalRecord]:
    return [s for s in detail.signals if s.kind == "wait"]


def _wait_bar(wait: SignalRecord, percent: Callable[[float], float], now: float) -> Bar:
    """A signal wait, from its start until a signal answered it, its timeout, or now."""
    ended = wait.done or wait.times_out_at or now
    left = percent(wait.at)
    status = "waiting" if wait.pending else "completed"
    return Bar(f"{wait.node} wait for {wait.name!r}", status, left, 0.0,
               max(percent(ended) - left, 0.4), ended - wait.at)  # fmt: skip


def _sleep_start(detail: InstanceDetail, sleep: SleepRecord, now: float) -> float:
    """When a sleep with no recorded start (begun before sleeps kept one) began: the last
    moment the run moved before it ended (its start, an attempt's end, another sleep's end).
    Exact for a sleep that follows an await; an estimate inside a gather."""
    until = min(sleep.finished_at or sleep.wake_at, now)
    moments = [detail.summary.created_at]
    moments += [a.finished_at for a in detail.attempts if a.finished_at is not None]
    moments += [
        s.finished_at for s in detail.sleeps if s.finished_at is not None and s is not sleep
    ]
    return max(m for m in moments if m <= until) if any(m <= until for m in moments) else until
