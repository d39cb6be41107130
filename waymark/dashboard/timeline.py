"""The waterfall of one run: a bar per attempt (queued, then running) and per pending sleep.

Positions are percentages of the run's span (created until finished, or until now), so the
template draws plain `<div>`s with a width and an offset: no JavaScript, no canvas.
"""

from __future__ import annotations

from dataclasses import dataclass

from waymark_runtime.admin import InstanceDetail


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
        left = percent(detail.summary.updated_at)
        bars.append(Bar(f"{sleep.node} sleep", "sleeping", left, 0.0,
                        max(percent(sleep.wake_at) - left, 0.4), sleep.wake_at - now))  # fmt: skip
    return Timeline(start, end, tuple(bars))
