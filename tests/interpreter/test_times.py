"""Datetimes and times across the JSON boundary (`values.times`): they come back exactly as
they went (wall time, fold, zone), and what earlier versions stored still reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark_runtime.values import from_json, to_json, to_value

NEW_YORK = ZoneInfo("America/New_York")
EST = timezone(timedelta(hours=-5), "EST")


def exact(value: datetime | time) -> tuple[str, int, Any]:
    """What must survive: the repr (wall time, fold, the zone's repr) and the zone itself."""
    return repr(value), value.fold, value.tzinfo


def assert_round_trips(value: datetime | time) -> None:
    stored = json.loads(json.dumps(to_json(value)))
    assert exact(from_json(stored)) == exact(value)
    assert exact(to_value(stored)) == exact(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK),  # skipped: clocks go 02:00 -> 03:00
        datetime(2024, 3, 10, 2, 30, fold=1, tzinfo=NEW_YORK),
        datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK),  # repeated: 01:30 EDT, then 01:30 EST
        datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK),
        datetime(2024, 7, 1, 12, fold=1, tzinfo=NEW_YORK),  # a fold that changes nothing
        datetime(2024, 7, 1, 12, fold=1),
        datetime(2024, 1, 5, 9, tzinfo=EST),
        datetime(2024, 1, 5, 9, tzinfo=timezone(timedelta(0), "UTC")),  # not `timezone.utc`
        datetime(2024, 1, 5, 9, tzinfo=ZoneInfo("UTC")),
        time(9, tzinfo=ZoneInfo("Europe/Paris")),
        time(1, 30, fold=1, tzinfo=NEW_YORK),
        time(9, tzinfo=ZoneInfo("UTC")),
        time(9, tzinfo=EST),
        time(9, fold=1),
    ],
    ids=repr,
)
def test_datetimes_and_times_come_back_at_their_wall_time_fold_and_zone(
    value: datetime | time,
) -> None:
    assert_round_trips(value)


@pytest.mark.parametrize(
    "zone",
    [EST, timezone(timedelta(hours=1)), timezone(timedelta(0), "UTC"), UTC],
    ids=repr,
)
def test_a_fixed_offset_keeps_the_name_it_was_given(zone: timezone) -> None:
    back = from_json(json.loads(json.dumps(to_json(zone))))
    assert repr(back) == repr(zone) and back.tzname(None) == zone.tzname(None)


_ZONES: st.SearchStrategy[tzinfo | None] = st.one_of(
    st.none(),
    st.just(UTC),
    st.timezones(),
    st.builds(
        timezone,
        # whole seconds: Python 3.11's `fromisoformat` drops an offset's microseconds
        st.integers(-86399, 86399).map(lambda seconds: timedelta(seconds=seconds)),
        st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ+-0123456789", min_size=1, max_size=8),
    ),
)


@given(
    st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1), timezones=_ZONES),
    st.sampled_from([0, 1]),
)
def test_any_datetime_and_its_time_round_trip_exactly(moment: datetime, fold: int) -> None:
    assert_round_trips(moment.replace(fold=fold))
    assert_round_trips(moment.timetz().replace(fold=fold))


def test_naive_and_utc_values_are_their_text_alone() -> None:
    assert to_json(datetime(2024, 5, 6, 7, 8)) == {"$t": "datetime", "v": "2024-05-06T07:08:00"}
    assert to_json([datetime(2024, 5, 6, tzinfo=UTC), time(9)]) == [
        {"$t": "datetime", "v": "2024-05-06T00:00:00+00:00"},
        {"$t": "time", "v": "09:00:00"},
    ]


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (  # a wall time clocks skip, read as the same instant (03:30 EDT) before
            {"$t": "datetime", "v": "2024-03-10T02:30:00-05:00", "zone": "America/New_York"},
            datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK),
        ),
        (
            {"$t": "datetime", "v": "2024-03-10T02:30:00-04:00", "zone": "America/New_York"},
            datetime(2024, 3, 10, 2, 30, fold=1, tzinfo=NEW_YORK),
        ),
        (  # the second 01:30, stored without its fold: the offset tells it
            {"$t": "datetime", "v": "2024-11-03T01:30:00-05:00", "zone": "America/New_York"},
            datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK),
        ),
        (
            {"$t": "datetime", "v": "2024-11-03T01:30:00-04:00", "zone": "America/New_York"},
            datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK),
        ),
        (  # a named offset stored without its name
            {"$t": "datetime", "v": "2024-01-05T09:00:00-05:00"},
            datetime(2024, 1, 5, 9, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ({"$t": "datetime", "v": "2024-01-05T09:00:00"}, datetime(2024, 1, 5, 9)),
        ({"$t": "time", "v": "09:00:00"}, time(9)),  # a time whose zone was dropped
        ({"$t": "time", "v": "09:00:00-05:00"}, time(9, tzinfo=timezone(timedelta(hours=-5)))),
    ],
    ids=lambda value: value["v"] if isinstance(value, dict) else repr(value),
)
def test_what_earlier_versions_stored_still_reads(
    stored: dict[str, Any], expected: datetime | time
) -> None:
    assert exact(from_json(stored)) == exact(expected)
    assert exact(to_value(stored)) == exact(expected)


def test_a_zone_this_machine_does_not_know_leaves_the_offset_or_a_naive_time() -> None:
    for key in ("../../etc/passwd", "/etc/localtime", "No/Such_Zone", 7):
        fixed = from_json({"$t": "datetime", "v": "2024-01-01T00:00:00+02:00", "zone": key})
        assert exact(fixed) == exact(datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2))))
        assert exact(from_json({"$t": "time", "v": "09:00:00", "zone": key})) == exact(time(9))


def test_zone_rules_that_differ_from_the_writers_keep_the_instant() -> None:
    # 12:00+05:00 is no wall time New York has: its rules here are not the writer's
    stored = {"$t": "datetime", "v": "2024-07-01T12:00:00+05:00", "zone": "America/New_York"}
    back = from_json(stored)
    assert back.tzinfo is NEW_YORK and back == datetime(2024, 7, 1, 7, tzinfo=UTC)
