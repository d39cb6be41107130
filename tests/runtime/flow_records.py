"""What the flow-control tests measure: the executions the recorded actions of `flow_flows`
wrote to the record file (each start and end, from whichever process ran it), and the most of
them that overlapped or fell in one window."""

from __future__ import annotations

import itertools
from pathlib import Path


def spans(record: Path) -> dict[str, tuple[float, float]]:
    """Each execution's (start, end), by tag (the last execution of a tag run twice)."""
    starts: dict[str, float] = {}
    found: dict[str, tuple[float, float]] = {}
    for line in record.read_text().splitlines():
        kind, tag, at = line.split()
        if kind == "start":
            starts[tag] = float(at)
        else:
            found[tag] = (starts[tag], float(at))
    return found


def executions(record: Path) -> list[tuple[float, float]]:
    """Every execution that ended, with its (start, end), retries included (a tag's executions
    run one after another: an end closes the tag's latest start; killed ones never end)."""
    opened: dict[str, list[float]] = {}
    done = []
    for line in record.read_text().splitlines():
        kind, tag, at = line.split()
        if kind == "start":
            opened.setdefault(tag, []).append(float(at))
        else:
            done.append((opened[tag].pop(), float(at)))
    return done


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """The most intervals open at one moment (an end and a start at one time do not overlap)."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    level = peak = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


def max_in_window(times: list[float], width: float) -> int:
    """The most times in any half-open window [t, t + width)."""
    times = sorted(times)
    return max((sum(1 for u in times if t <= u < t + width) for t in times), default=0)


def assert_one_at_a_time_per_customer(
    found: dict[str, tuple[float, float]], customers: tuple[str, ...], orders: int
) -> None:
    """Each customer's instances ran one after another, in submission order; and different
    customers' instances ran side by side."""
    runs = {c: [(found[f"{c}/{o}/a"][0], found[f"{c}/{o}/b"][1]) for o in range(orders)]
            for c in customers}  # fmt: skip
    for spans_of in runs.values():
        for earlier, later in itertools.pairwise(spans_of):
            assert earlier[1] <= later[0]
    everything = [span for spans_of in runs.values() for span in spans_of]
    assert max_overlap(everything) >= 2
