"""Cadence arithmetic without a database: cron in UTC, interval phase, jitter, validation."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.schedules.support import utc
from waymark_runtime.schedules.cadence import (
    first_slot,
    jitter_offset,
    parse_cadence,
    parse_jitter,
    slot_after,
)
from waymark_runtime.schedules.model import InvalidScheduleError, format_duration


@pytest.fixture(params=["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run under a process time zone with DST: cron times must not notice it."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def fires(expression: str, start: float, count: int) -> list[float]:
    cadence = parse_cadence(expression)
    slot = first_slot(cadence, start)
    found = [slot]
    while len(found) < count:
        slot = slot_after(cadence, slot, slot)
        found.append(slot)
    return found


def test_cron_first_slot_is_the_next_match_in_utc(local_zone: str) -> None:
    cadence = parse_cadence("*/15 * * * *")
    assert first_slot(cadence, utc(2024, 3, 9, 12, 7, 30)) == utc(2024, 3, 9, 12, 15)
    # a registration exactly on a match waits for the next one
    assert first_slot(cadence, utc(2024, 3, 9, 12, 15)) == utc(2024, 3, 9, 12, 30)


@pytest.mark.parametrize(
    "day",
    [
        (2024, 3, 9),  # New York springs forward on the 10th
        (2024, 3, 30),  # Berlin springs forward on the 31st
        (2024, 10, 26),  # Berlin falls back on the 27th
        (2024, 11, 2),  # New York falls back on the 3rd
    ],
)
def test_daily_cron_is_24_hours_apart_across_dst_changes(
    local_zone: str, day: tuple[int, int, int]
) -> None:
    slots = fires("30 2 * * *", utc(*day, 12), 4)
    assert slots[0] == utc(*day, 2, 30) + 86_400
    assert [b - a for a, b in itertools.pairwise(slots)] == [86_400.0] * 3


def test_hourly_cron_has_no_gap_or_repeat_at_a_dst_change(local_zone: str) -> None:
    slots = fires("0 * * * *", utc(2024, 3, 10, 5, 30), 6)  # 01:30 in New York, before 3:00
    assert slots == [utc(2024, 3, 10, hour) for hour in range(6, 12)]


@pytest.mark.parametrize(
    ("expression", "start", "expected"),
    [
        ("0 0 * * 1", utc(2024, 3, 9), utc(2024, 3, 11)),  # next Monday
        ("0 12 1 * *", utc(2024, 1, 31, 13), utc(2024, 2, 1, 12)),
        ("0 0 29 2 *", utc(2024, 3, 1), utc(2028, 2, 29)),  # the next leap day
        ("  5   4 * * *  ", utc(2024, 3, 9), utc(2024, 3, 9, 4, 5)),
    ],
)
def test_cron_expressions(expression: str, start: float, expected: float) -> None:
    assert first_slot(parse_cadence(expression), start) == expected


def test_cron_expression_spacing_is_normalised() -> None:
    assert parse_cadence("  */5   *  * * * ").cron == "*/5 * * * *"


def test_cron_after_a_late_fire_is_the_next_match_after_now() -> None:
    cadence = parse_cadence("*/15 * * * *")
    late = utc(2024, 3, 9, 12, 40)  # slot 12:15 fired 25 minutes late
    assert slot_after(cadence, utc(2024, 3, 9, 12, 15), late) == utc(2024, 3, 9, 12, 45)


def test_interval_first_slot_is_one_interval_after_registration() -> None:
    cadence = parse_cadence(timedelta(minutes=10))
    assert first_slot(cadence, 1_000.0) == 1_600.0


def test_interval_keeps_its_phase_when_fired_late() -> None:
    cadence = parse_cadence(timedelta(minutes=10))
    assert slot_after(cadence, 1_600.0, 1_600.0) == 2_200.0
    assert slot_after(cadence, 1_600.0, 1_640.0) == 2_200.0  # 40 s late: no drift


def test_interval_far_behind_skips_to_the_next_future_slot() -> None:
    cadence = parse_cadence(timedelta(minutes=10))
    assert slot_after(cadence, 1_600.0, 1_600.0 + 3 * 600 + 1) == 1_600.0 + 4 * 600
    assert slot_after(cadence, 1_600.0, 1_600.0 + 3 * 600) == 1_600.0 + 4 * 600  # strictly later


def test_interval_is_independent_of_the_local_zone(local_zone: str) -> None:
    cadence = parse_cadence(timedelta(hours=1))
    start = utc(2024, 3, 10, 6, 30)  # 01:30 New York, half an hour before the change
    assert slot_after(cadence, start, start) - start == 3_600.0


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "61 * * * *",
            r"invalid cron expression '61 \* \* \* \*': minute field '61' is out of range",
        ),
        ("0 25 * * *", r"hour field '25' is out of range"),
        ("* * * * 8", r"day-of-week field '8' is out of range"),
        ("*/0 * * * *", r"minute field '\*/0' has an invalid step"),
        ("a b c d e", r"invalid cron expression 'a b c d e': minute field 'a' is not valid"),
        ("0 0 31 2 *", r"invalid cron expression '0 0 31 2 \*': it never matches a date"),
        ("* * * *", r"expected 5 fields \(minute hour day-of-month month day-of-week\), got 4"),
        ("0 * * * * *", r"expected 5 fields .*got 6"),
        ("", r"got 0"),
        ("every day", r"got 2"),
    ],
)
def test_invalid_cron_expressions_are_rejected(expression: str, message: str) -> None:
    with pytest.raises(InvalidScheduleError, match=message):
        parse_cadence(expression)


@pytest.mark.parametrize("every", [timedelta(0), timedelta(seconds=-5)])
def test_non_positive_intervals_are_rejected(every: timedelta) -> None:
    with pytest.raises(InvalidScheduleError, match="schedule interval must be positive, got"):
        parse_cadence(every)


def test_other_schedule_types_are_rejected() -> None:
    with pytest.raises(InvalidScheduleError, match="got int"):
        parse_cadence(900)  # type: ignore[arg-type]


def test_jitter_validation() -> None:
    hourly = parse_cadence(timedelta(hours=1))
    assert parse_jitter(None, hourly) == 0.0
    assert parse_jitter(timedelta(seconds=30), hourly) == 30.0
    with pytest.raises(InvalidScheduleError, match="jitter must not be negative, got -1s"):
        parse_jitter(timedelta(seconds=-1), hourly)
    with pytest.raises(InvalidScheduleError, match=r"jitter \(3600s\) must be shorter"):
        parse_jitter(timedelta(hours=1), hourly)
    with pytest.raises(InvalidScheduleError, match=r"jitter must be a datetime\.timedelta"):
        parse_jitter(30, hourly)  # type: ignore[arg-type]
    assert parse_jitter(timedelta(hours=2), parse_cadence("0 * * * *")) == 7_200.0


def test_jitter_offsets_stay_within_bounds_and_vary() -> None:
    rng = random.Random(7)
    offsets = [jitter_offset(30.0, rng) for _ in range(500)]
    assert all(0.0 <= offset <= 30.0 for offset in offsets)
    assert max(offsets) - min(offsets) > 25.0
    assert jitter_offset(0.0, rng) == 0.0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(900, "15m"), (90, "1m30s"), (0.5, "0.5s"), (93_600, "1d2h"), (3_600, "1h"), (0, "0s")],
)
def test_durations_read_well(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (",".join(["0"] * 100_000) + " * * * *", r"is 200,007 characters long, more than 1,000"),
        ("1" * 5_000 + " * * * *", r"is 5,008 characters long, more than 1,000"),
        (",".join(map(str, range(60))) + ",0 * * * *", r"minute field has 61 values, more than 60"),
        ("0 * * * " + ",".join(["1"] * 61), r"day-of-week field has 61 values, more than 60"),
    ],
)
def test_oversized_cron_expressions_are_refused_with_a_short_message(
    expression: str, message: str
) -> None:
    with pytest.raises(InvalidScheduleError, match=message) as caught:
        parse_cadence(expression)
    assert len(str(caught.value)) < 400


def test_a_long_bad_field_is_quoted_clipped() -> None:
    field = "9" * 900
    with pytest.raises(InvalidScheduleError, match="minute field '999") as caught:
        parse_cadence(f"{field} * * * *")
    assert len(str(caught.value)) < 400 and "900 characters" in str(caught.value)


def test_every_minute_listed_is_within_the_bounds() -> None:
    cadence = parse_cadence(",".join(map(str, range(60))) + " * * * *")
    assert cadence.cron is not None and cadence.cron.startswith("0,1,2,")
