"""`VirtualClock`: whole microseconds, so sleeps that add up to one time end together, and
callbacks due at one time are called in the order they were armed (asyncio's timer order)."""

from __future__ import annotations

from waymark_runtime.clock import VirtualClock


def _fired(clock: VirtualClock, plan: list[tuple[str, float]]) -> list[str]:
    """Arm each name at its time (seconds from now), then jump to each due time in turn."""
    fired: list[str] = []
    start = clock.now()
    for name, seconds in plan:
        clock.call_at(start + seconds, lambda name=name: fired.append(name))  # type: ignore[misc]
    while (due := clock.next_due()) is not None:
        clock.jump(due)
    return fired


async def test_equal_deadlines_fire_in_the_order_they_were_armed() -> None:
    plan = [("c", 0.2), ("a", 0.1), ("b", 0.2), ("d", 0.1), ("e", 0.3)]
    assert _fired(VirtualClock(), plan) == ["a", "d", "c", "b", "e"]


async def test_sleeps_that_add_up_to_one_time_end_together() -> None:
    """0.3 + 0.6 is 0.8999999999999999 in floats; on the clock it ends with a sleep of 0.9
    begun at the start (and after it, which was armed first)."""
    clock = VirtualClock()
    fired: list[str] = []
    start = clock.now()
    clock.call_at(start + 0.9, lambda: fired.append("whole"))
    clock.call_at(
        start + 0.3, lambda: clock.call_at(clock.now() + 0.6, lambda: fired.append("parts"))
    )
    clock.call_at(start + 0.1, lambda: clock.call_at(clock.now() + 0.2, lambda: clock.call_at(
        clock.now() + 0.6, lambda: fired.append("three parts"))))  # fmt: skip
    while (due := clock.next_due()) is not None:
        clock.jump(due)
        if due == start + 0.9:
            assert clock.now() == start + 0.9
    assert fired == ["whole", "parts", "three parts"]


async def test_the_time_is_whole_microseconds_and_never_goes_back() -> None:
    clock = VirtualClock()
    start = clock.now()
    assert round(start * 1_000_000) / 1_000_000 == start
    clock.jump(start + 1.0000001)  # taken to the nearest microsecond
    assert clock.now() == round((start + 1) * 1_000_000) / 1_000_000
    clock.jump(start)
    assert clock.now() == round((start + 1) * 1_000_000) / 1_000_000
