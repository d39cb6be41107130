"""Interpreter state: declared and versioned, an explicit continuation, identity kept across resumes."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.interpreter.host import Trace, drive
from waymark import RetryPolicy, Workflow, action, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import ActionFinished, Complete
from waymark_runtime.interpreter import (
    STATE_VERSION,
    CallsWait,
    advance,
    decode_state,
    encode_state,
    start,
)

BODY_RUNS: list[str] = []


@action
async def echo(value: object) -> object:
    return value


@action
async def note(text: str) -> str:
    BODY_RUNS.append(text)
    return text


@workflow
class Steps(Workflow):
    async def run(self, n: int) -> list[str]:
        out = []
        for i in range(n):
            text = await note(f"step {i}")
            out.append(text)
        return out


@workflow
class Aliases(Workflow):
    async def run(self) -> list[object]:
        first = []
        second = first
        table = {"list": first}
        cycle = []
        cycle.append(cycle)
        await echo(1)
        second.append("shared")
        await echo(2)
        table["list"].append("via table")
        cycle.append("tail")
        # `is` is refused (WM149): shared mutation shows the aliases survived the awaits.
        return [first, len(cycle[0]), cycle[0][1], len(table["list"])]


@workflow
class LoopsAcrossAwaits(Workflow):
    async def run(self, items: list[int]) -> list[object]:
        seen = []
        for item in items:
            if item < 2:
                items.append(item + 10)
            value = await echo(item)
            seen.append(value)
        pairs = []
        for index, (a, b) in enumerate(zip("xyz", range(100, 103), strict=False)):
            label = await echo(f"{index}{a}{b}")
            pairs.append(label)
        lazy = (x * 2 for x in items)
        await echo(0)
        return [seen, pairs, sum(lazy), list(range(2, 10, 3))]


@workflow
class Keys(Workflow):
    async def run(self) -> dict[object, object]:
        table = {1: ("a", 1.5), (2, 3): {"$t": "not a tag"}, "s": {1, 2}}
        await echo(None)
        return table


@workflow
class Wide(Workflow):
    async def run(self, count: int) -> list[object]:
        return await asyncio.gather(*[echo(i) for i in range(count)])


@workflow
class HugeRange(Workflow):
    async def run(self, start: int) -> list[object]:
        seen = []
        for value in range(start, start + 2):
            back = await echo(value)
            seen.append(back - start)
        return seen


@workflow
class ZonedValues(Workflow):
    async def run(self) -> list[str]:
        new_york = ZoneInfo("America/New_York")
        skipped = datetime(2024, 3, 10, 2, 30, tzinfo=new_york)  # clocks go 02:00 -> 03:00
        repeated = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=new_york)
        opens = datetime(2024, 1, 5, 9, tzinfo=timezone(timedelta(hours=-5), "EST"))
        at = time(9, tzinfo=ZoneInfo("Europe/Paris"))
        await echo(None)
        return [skipped.strftime("%H:%M %Z"), repeated.strftime("%H:%M %Z"),
                opens.strftime("%H:%M %Z"), str(datetime.combine(date(2024, 7, 1), at))]  # fmt: skip


@action
async def nans() -> list[object]:
    """One NaN object held three times, and a second one: equal containers and unequal ones."""
    shared, other = float("nan"), float("nan")
    return [shared, [shared], {"k": shared}, other]


@workflow
class NanIdentity(Workflow):
    async def run(self) -> list[object]:
        mine = [float("nan")]
        copied = [mine[0]]
        apart = [float("nan")]
        table = {mine[0]: "found"}
        seen = {got_nan for got_nan in copied}
        got = await nans()
        await echo(None)
        return [mine == copied, mine == apart, [got[0]] == got[1], got[2] == {"k": got[1][0]},
                [got[0]] == [got[3]], got[0] in got[1], table.get(copied[0]),
                mine[0] in seen, apart[0] in seen]  # fmt: skip


def program(cls: type) -> object:
    return definition_of(cls).program


async def test_state_is_versioned_json_with_explicit_frames() -> None:
    state, effects = start(program(Steps), {"n": 2})
    document = encode_state(state)
    assert document["version"] == 2  # nothing shared: the format runtimes before 3 read too
    assert decode_state(json.loads(json.dumps(document))) == state
    (frame,) = document["frames"]
    assert frame["function"] == "run" and frame["env"]["n"] == 2
    assert document["wait"]["kind"] == "calls" and document["wait"]["pending"] == 1
    assert [e.node for e in effects] == ["n1"]


async def test_resuming_never_reruns_the_body() -> None:
    BODY_RUNS.clear()
    trace = Trace()
    outcome = await drive(program(Steps), {"n": 4}, trace=trace)
    assert outcome == ("returned", ["step 0", "step 1", "step 2", "step 3"])
    assert BODY_RUNS == ["step 0", "step 1", "step 2", "step 3"]
    assert [d.node for d in trace.dispatched()] == ["n1", "n2", "n3", "n4"]


async def test_shared_lists_and_cycles_survive_resumes() -> None:
    assert await drive(program(Aliases), {}) == (
        "returned",
        [["shared", "via table"], 2, "tail", 2],
    )


async def test_loop_iterators_keep_their_position_and_see_appends() -> None:
    outcome = await drive(program(LoopsAcrossAwaits), {"items": [1, 5]})
    assert outcome == ("returned", [[1, 5, 11], ["0x100", "1y101", "2z102"], 34, [2, 5, 8]])


async def test_non_string_keys_tuples_sets_and_tag_like_keys_round_trip() -> None:
    outcome = await drive(program(Keys), {})
    assert outcome == ("returned", {1: ("a", 1.5), (2, 3): {"$t": "not a tag"}, "s": {1, 2}})


async def test_advance_does_not_mutate_its_input_state() -> None:
    state, _ = start(program(Steps), {"n": 2})
    before = copy.deepcopy(encode_state(state))
    advance(program(Steps), state, [ActionFinished(node="n1", attempt=1, ok=True, value="x")])
    assert encode_state(state) == before


async def test_stale_and_duplicate_events_are_ignored() -> None:
    wf = program(Steps)
    state, _ = start(wf, {"n": 2})
    done = ActionFinished(node="n1", attempt=1, ok=True, value="a")
    state, effects = advance(
        wf, state, [done, done, ActionFinished(node="n9", attempt=1, ok=True, value=0)]
    )
    assert [e.node for e in effects] == ["n2"]
    state, effects = advance(
        wf, state, [done, ActionFinished(node="n2", attempt=2, ok=True, value="b")]
    )
    assert effects == []
    assert isinstance(state.wait, CallsWait) and state.wait.calls[0].node == "n2"


async def test_finished_instances_ignore_events() -> None:
    wf = program(Steps)
    state, _effects = start(wf, {"n": 0})
    assert state.status == "completed"
    assert advance(wf, state, [ActionFinished(node="n1", attempt=1, ok=True, value=1)]) == (
        state,
        [],
    )


async def test_a_step_over_a_large_gather_copies_only_the_calls_it_settles() -> None:
    """Untouched calls of a gather are shared with the input state, never copied."""
    wf = program(Wide)
    state, effects = start(wf, {"count": 20_000})
    events = [ActionFinished(node=e.node, attempt=1, ok=True, value=0) for e in effects[5:8]]
    after, _ = advance(wf, state, events)
    assert isinstance(state.wait, CallsWait) and isinstance(after.wait, CallsWait)
    pairs = zip(state.wait.calls, after.wait.calls, strict=True)
    assert [i for i, (old, new) in enumerate(pairs) if old is not new] == [5, 6, 7]
    assert {call.status for call in state.wait.calls} == {"pending"}
    assert after.wait.pending == 20_000 - 3 and after.wait.calls[6].value == 0


async def test_ranges_and_loop_positions_keep_ints_of_any_length() -> None:
    start_at = 2**15_000  # past the 4,300 digits Python writes as decimal text
    assert await drive(program(HugeRange), {"start": start_at}) == ("returned", [0, 1])


async def test_datetimes_and_times_keep_their_wall_time_and_zone_across_resumes() -> None:
    assert await drive(program(ZonedValues), {}) == (
        "returned",
        ["02:30 EST", "01:30 EST", "09:00 EST", "2024-07-01 09:00:00+02:00"],
    )


async def test_a_nan_held_twice_stays_one_object_across_resumes_and_actions() -> None:
    """Python compares container items by identity first, so `[n] == [n]` holds for one NaN
    and not for two: the codec keeps which NaN is which (`Encoder.nan_id`)."""
    expected = await NanIdentity().run_inline()
    assert expected == [True, False, True, True, False, True, "found", True, False]
    assert await drive(program(NanIdentity), {}) == ("returned", expected)
    shared = float("nan")
    again = _resumed([shared, shared], float("nan"))
    assert again[0][0] is again[0][1] and again[1] is not again[0][0]


def _resumed(*values: object) -> list[Any]:
    """`values` saved with the state codec and loaded back (one encoding, as a frame's)."""
    from waymark_runtime.interpreter.limits import Meter
    from waymark_runtime.interpreter.state import StateEncoder
    from waymark_runtime.interpreter.state_decode import StateDecoder

    encoded = json.loads(json.dumps(StateEncoder(Meter()).encode(list(values))))
    loaded: list[Any] = StateDecoder().decode(encoded)
    return loaded


def test_a_dict_iterator_resumes_over_its_dict() -> None:
    totals = {"a": 1, "b": 2, "c": 3}
    forward, backward, ended = iter(totals.items()), reversed(totals.values()), iter(totals)
    next(forward), next(backward), list(ended)
    loaded, forward, backward, ended = _resumed(totals, forward, backward, ended)
    loaded["b"] = 20
    assert (list(forward), list(backward), list(ended)) == ([("b", 20), ("c", 3)], [20, 1], [])
    grown = iter(loaded)
    loaded["d"] = 4  # Python's iterator fails from now on, every time it is read
    (failing,) = _resumed(grown)
    assert _raised(failing) == _raised(failing) == "dictionary changed size during iteration"


def test_a_set_iterator_fails_once_its_set_changes_size() -> None:
    from waymark_runtime.values import ExceptionCarrier

    tags = {1, 2}
    loaded, walk = _resumed(tags, iter(tags))
    loaded.add(next(walk) + 10)
    try:
        next(walk)
    except ExceptionCarrier as carried:
        assert str(carried.value) == "Set changed size during iteration"
    else:
        raise AssertionError("no RuntimeError")


def test_a_csv_reader_resumes_at_its_row_with_its_format() -> None:
    import csv

    from waymark_runtime.interpreter.csv_readers import csv_functions
    from waymark_runtime.interpreter.limits import Meter

    readers = csv_functions(Meter())
    lines = ["id;note", '1;"two', 'lines"', "2;x", "3"]
    rows = readers["csv.reader"](lines, delimiter=";")
    named = readers["csv.DictReader"](iter(lines), restval="-", delimiter=";")
    header, first, _ = next(rows), next(rows), next(named)
    _, rows, named = _resumed(lines, rows, named)
    assert (header, first, rows.line_num) == (["id", "note"], ["1", "twolines"], 3)
    assert list(rows) == [["2", "x"], ["3"]] and rows.line_num == 5
    assert (named.fieldnames, named.line_num) == (["id", "note"], 3)
    python = csv.DictReader(lines, restval="-", delimiter=";")
    assert list(named) == list(python)[1:] == [{"id": "2", "note": "x"}, {"id": "3", "note": "-"}]
    assert named.line_num == python.line_num == 5


def test_a_csv_reader_saved_before_its_lines_and_its_dialect_load_back_as_they_were() -> None:
    from waymark_runtime.interpreter.csv_readers import CsvReader

    lines = ["a;b", "c;d"]
    rows = CsvReader(iter(lines), (), {"delimiter": ";"})
    rows, loaded, dialect = _resumed(rows, lines, rows.dialect)  # the reader is saved first
    assert loaded == ["a;b", "c;d"] and list(rows) == [["a", "b"], ["c", "d"]]
    assert (dialect.delimiter, dialect.quotechar, type(dialect).__name__) == (";", '"', "Dialect")


def test_a_csv_writer_resumes_writing_into_the_buffer_the_workflow_holds() -> None:
    from waymark_runtime.interpreter.csv_writers import writer_functions

    made = writer_functions()
    buffer = made["io.StringIO"](newline="")
    rows = made["csv.writer"](buffer, delimiter=";")
    named = made["csv.DictWriter"](buffer, ["a", "b"], restval="-", lineterminator="\n")
    rows.writerow(["x;y", 1])
    buffer, rows, named = _resumed(buffer, rows, named)
    named.writeheader()
    named.writerow({"a": 2})
    rows.writerows([[3]])
    assert buffer.getvalue() == '"x;y";1\r\na,b\n2,-\n3\r\n'
    assert type(buffer).__name__ == "StringIO" and buffer.tell() == len(buffer.getvalue())


def _raised(iterator: Any) -> str:
    from waymark_runtime.values import ExceptionCarrier

    try:
        next(iterator)
    except ExceptionCarrier as carried:
        return f"{carried.value}"
    return "nothing raised"


FLAKED: set[int] = set()
CONFIG = {f"key{i}": "v" * 40 for i in range(100)}  # about 5 KB of JSON


@action
async def sized(i: int, config: dict[str, str]) -> int:
    if i % 3 == 0 and i not in FLAKED:  # every third call fails its first attempt
        FLAKED.add(i)
        raise ConnectionError(f"flaky {i}")
    return i + len(config)


@workflow
class SharedConfig(Workflow):
    async def run(self, n: int, config: dict[str, str]) -> list[int]:
        return await asyncio.gather(
            *[self.run_action(sized(i, config), retry=RetryPolicy(attempts=2)) for i in range(n)]
        )


async def test_a_gather_holds_an_argument_its_calls_share_once() -> None:
    """One config passed to a thousand calls is stored once (format 3, `shared`), not once
    per call (5 KB each); read back, every call holds it again, as one object."""
    state, effects = start(program(SharedConfig), {"n": 1000, "config": CONFIG})
    assert len(effects) == 1000 and all(e.args[1] == CONFIG for e in effects)  # type: ignore[attr-defined]
    document = encode_state(state)
    text = json.dumps(document, separators=(",", ":"))
    assert document["version"] == STATE_VERSION == 3
    assert document["wait"]["shared"] == [CONFIG]
    assert len(text) / 1000 < 200
    read = decode_state(json.loads(text))
    assert read == state
    assert isinstance(read.wait, CallsWait)
    assert len({id(call.args[1]) for call in read.wait.calls}) == 1
    assert encode_state(read) == json.loads(text)


async def test_a_gather_with_a_shared_argument_runs_as_python() -> None:
    """Retried and settled calls keep the shared argument through every saved state."""
    FLAKED.clear()
    expected = await SharedConfig().run_inline(n=30, config=CONFIG)
    FLAKED.clear()
    trace = Trace()
    assert await drive(program(SharedConfig), {"n": 30, "config": CONFIG}, trace=trace) == (
        "returned",
        expected,
    )
    assert expected == [i + 100 for i in range(30)]
    assert len(trace.states) > 2  # the first attempts, the retries, the end


def pages(queue: list[str]) -> Iterator[str]:
    while queue:
        yield queue.pop(0)


@workflow
class DrainQueue(Workflow):
    async def run(self) -> list[str]:
        queue, seen = ["a"], []
        for page in pages(queue):
            seen.append(page)
            if page == "a":
                queue.append(await echo("b"))
        return seen


async def test_a_generator_is_saved_as_its_paused_frame() -> None:
    from waymark_runtime.values import ValueNotSerializable

    state, effects = start(program(DrainQueue), {})
    document = json.loads(json.dumps(encode_state(state)))
    (saved,) = [v for v in document["frames"][0]["slots"] if isinstance(v, dict)]
    assert (saved["$t"], saved["fn"], saved["started"]) == ("generator", "pages", True)
    finished = ActionFinished(node=effects[0].node, attempt=1, ok=True, value="b")
    _, finishing = advance(program(DrainQueue), decode_state(document), [finished])
    assert finishing == [Complete(result=["a", "b"])]  # the page added after the save is read
    saved["pc"] = 0  # not where the generator stopped: the state is refused, not run
    with pytest.raises(ValueNotSerializable, match="not at a yield"):
        advance(program(DrainQueue), decode_state(document), [finished])
