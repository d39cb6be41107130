"""A value that cannot travel fails its own attempt, the same way on LocalRuntime and on
PostgreSQL with real workers; the others of its gather run once and keep their results."""

from __future__ import annotations

import asyncio
import json
import math
import os
import struct
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import payload_flows as flows
from tests.runtime.support import FLOWS, ROOT, runner_settings, running
from waymark import ValueNotSerializable
from waymark.testing import LocalRuntime
from waymark_runtime.changes import failure
from waymark_runtime.client import exception_of
from waymark_runtime.engine import ClaimedInstance
from waymark_runtime.errors import WorkflowFailed
from waymark_runtime.held import Attempt, Held
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.values import to_json
from waymark_runtime.worker.main import _Outbox

EXAMPLES = ROOT / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

import parallel_math  # noqa: E402

pytestmark = pytest.mark.usefixtures("worker_env", "examples_importable")

OPAQUE = "tests.runtime.payload_flows:opaque"
MODULES = (FLOWS, flows.__name__, "parallel_math")


@pytest.fixture
def examples_importable(monkeypatch: pytest.MonkeyPatch, worker_env: Path) -> None:
    """Worker processes import `parallel_math` by its file name, as `waymark run` does."""
    paths = [str(EXAMPLES), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))


async def _on_local(workflow: Any, **inputs: Any) -> Any:
    async with LocalRuntime():
        return await workflow.run(**inputs)


async def _on_postgres(store: PostgresStore, database: str, workflow: Any, **inputs: Any) -> Any:
    settings = runner_settings(database, user_modules=MODULES)
    async with running(store, settings), waymark.connect(database):
        return await workflow.run(**inputs)


def _ran(record: Path) -> list[str]:
    lines = record.read_text().splitlines() if record.exists() else []
    record.unlink(missing_ok=True)
    return sorted(lines)


async def test_an_unstorable_result_fails_only_its_attempt(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    workflow = flows.GatherWithUnstorable()
    local = await _on_local(workflow, count=20)
    ran_locally = _ran(worker_env)
    durable = await _on_postgres(store, database, workflow, count=20)
    assert _ran(worker_env) == ran_locally == sorted([*(f"ok/{i}" for i in range(20)), "bad"])
    for results in (local, durable):
        *stored, refused = results
        assert stored == [f"ok/{i}" for i in range(20)]
        assert isinstance(refused, ValueNotSerializable)
        assert str(refused).startswith(f"the result of action {OPAQUE!r} cannot be stored")
        assert "tests.runtime.payload_flows:Opaque" in str(refused)
    assert str(local[-1]) == str(durable[-1])
    status = "SELECT status FROM waymark_attempts WHERE action = $1"
    assert await store.pool.fetchval(status, OPAQUE) == "failed"


async def test_an_unstorable_result_is_not_retried_by_default(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    local = await _on_local(flows.UnstorableNotRetried())
    assert _ran(worker_env) == ["retried?"]
    durable = await _on_postgres(store, database, flows.UnstorableNotRetried())
    assert _ran(worker_env) == ["retried?"]
    assert local == durable and local.startswith(f"refused: the result of action {OPAQUE!r}")


async def test_a_result_or_error_past_the_payload_limit_fails_its_attempt(
    store: PostgresStore, database: str, worker_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`WAYMARK_MAX_PAYLOAD_BYTES` bounds what an action sends back, the same on both hosts:
    an oversized result or error fails its own attempt (not retried: it would be as large
    again), and the others of its gather keep their results."""
    monkeypatch.setenv("WAYMARK_MAX_PAYLOAD_BYTES", "100000")
    workflow = flows.GatherWithOversized()
    local = await _on_local(workflow, size=200_000)
    assert _ran(worker_env) == ["big", "loud", "small"]
    settings = runner_settings(database, user_modules=MODULES, max_payload_bytes=100_000)
    async with running(store, settings), waymark.connect(database):
        durable = await workflow.run(size=200_000)
    assert _ran(worker_env) == ["big", "loud", "small"]
    limit = "its JSON is 200,002 bytes, more than WAYMARK_MAX_PAYLOAD_BYTES (100,000)"
    action = "tests.runtime.payload_flows:sized"
    assert local == durable
    assert local[:2] == [
        "x" * 10,
        f"ValueNotSerializable: the result of action {action!r} cannot be stored: {limit}",
    ]
    raised = f"ValueNotSerializable: the error raised by action {action!r} cannot be stored: "
    assert local[2].startswith(raised + "its JSON is ")  # message, args and traceback
    assert local[2].endswith("more than WAYMARK_MAX_PAYLOAD_BYTES (100,000)")


async def test_inputs_past_the_payload_limit_are_refused_before_anything_is_stored(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYMARK_MAX_PAYLOAD_BYTES", "1000")
    refusal = r"the inputs cannot be stored: its JSON is 1,\d{3} bytes, more than .* \(1,000\)"
    async with LocalRuntime():
        with pytest.raises(ValueNotSerializable, match=refusal):
            await flows.GatherWithOversized().run(size=int("9" * 2000))
        assert await flows.GatherWithOversized().run(size=int("9" * 500)) is not None
    async with waymark.connect(database):
        with pytest.raises(ValueNotSerializable, match=refusal):
            await flows.GatherWithOversized().run(size=int("9" * 2000), _blocking=False)
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 0


def _lists(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize("levels", [1001, 6000])
async def test_inputs_nested_past_the_value_limit_are_refused_at_start(
    store: PostgresStore, database: str, levels: int
) -> None:
    """The starting process encoded them, then a worker failed the instance reading them:
    past `VALUE_NESTING` (1,000 levels) they are refused by name before anything is stored."""
    refusal = r"^input `value` nests more than 1000 levels deep \(lists in lists"
    assert await _on_local(flows.MeasuresInput(), value=_lists(1000)) == 999
    with pytest.raises(ValueNotSerializable, match=refusal):
        await _on_local(flows.MeasuresInput(), value=_lists(levels))
    async with waymark.connect(database):
        with pytest.raises(ValueNotSerializable, match=refusal):
            await flows.MeasuresInput().run(value=_lists(levels), _blocking=False)
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 0
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueNotSerializable, match="the value contains itself: a list holds"):
        await _on_local(flows.MeasuresInput(), value=looped)


async def test_an_argument_slower_to_reach_its_worker_than_the_lease_still_runs_once(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    """A 30 MB argument under a 2 s lease: encoding, the pipe and decoding can take longer than
    the lease had left when the request was sent; the worker asks the runner for the renewed
    deadline instead of skipping it (which re-sent it for ever)."""
    settings = runner_settings(database, user_modules=MODULES, lock_ttl_ms=2_000)
    async with running(store, settings), waymark.connect(database):
        run = flows.LargeArgument().run(size=1_000_000, times=30)
        assert await asyncio.wait_for(run, 60) == 30_000_000
    assert _ran(worker_env) == ["measured"]


async def test_parallel_math_carries_ints_of_any_length(
    store: PostgresStore, database: str
) -> None:
    workflow = parallel_math.ParallelMathWorkflow()
    local = await _on_local(workflow, number=2000)
    durable = await _on_postgres(store, database, workflow, number=2000)
    assert local == durable
    head, _, tail = durable.partition(", fib(2000) = ")
    assert head.removeprefix("2000! = ").encode() == _digits(math.factorial(2000))
    assert len(tail) == 418 and tail.startswith("4224696333392304878706725602341482782579852840")


def _digits(value: int) -> bytes:
    """Decimal digits of any int, without Python's limit on `str(int)`."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return str(value).encode()
    finally:
        sys.set_int_max_str_digits(limit)


async def test_a_reply_the_database_would_refuse_fails_its_attempt(
    store: PostgresStore, database: str
) -> None:
    """A worker's reply is checked before the group commit that would record it: a value
    that PostgreSQL refuses (a raw NUL) fails that attempt, not the commit or the instance."""
    settings = runner_settings(database, user_modules=MODULES)
    async with running(store, settings) as runner, waymark.connect(database) as client:
        instance_id = await flows.CatchUnstorable().run(5.0, _blocking=False)
        key = await _running_attempt(runner, instance_id)
        runner.replies.on_reply(key, True, "a\x00b")  # as a faulty worker would answer
        result = await client.get_result(instance_id, timeout=20)
    action = "tests.runtime.payload_flows:slow_text"
    assert result == (
        f"refused: the result of action {action!r} cannot be stored: "
        "a string holds a NUL character that is not escaped"
    )
    status = "SELECT status FROM waymark_attempts WHERE action = $1"
    assert await store.pool.fetchval(status, action) == "failed"


async def _running_attempt(runner: Any, instance_id: str) -> tuple[str, int, str, int]:
    deadline = time.monotonic() + 20
    while not (held := runner.held.get(instance_id)) or not held.running:
        assert time.monotonic() < deadline, "the attempt never started"
        await asyncio.sleep(0.02)
    (node, attempt), *_ = held.running
    return (instance_id, held.epoch, node, attempt)


class _Pipe:
    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def is_closing(self) -> bool:
        return False

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)

    def messages(self) -> list[Any]:
        """What one write carried: each frame's message, in order."""
        [written] = self.frames
        messages = []
        while written:
            (size,) = struct.unpack(">I", written[:4])
            messages.append(json.loads(written[4 : 4 + size]))
            written = written[4 + size :]
        return messages


async def test_a_worker_sends_no_reply_past_the_payload_limit() -> None:
    pipe = _Pipe()
    outbox = _Outbox(pipe, 120, None)  # type: ignore[arg-type]
    outbox.put({"id": 1, "ok": True, "value": "x" * 121}, "m:big")
    outbox.put({"id": 2, "ok": True, "value": "é" * 59}, "m:fits")  # 120 bytes as stored
    outbox.put({"id": 3, "ok": False, "value": {"message": "y" * 200}}, "m:loud")
    await asyncio.sleep(0)
    [fits], [big, loud] = pipe.messages()  # the successes, then the rest in a frame of its own
    assert fits == {"id": 2, "ok": True, "value": "é" * 59}
    assert big["value"]["message"] == (
        "the result of action 'm:big' cannot be stored: its JSON is 123 bytes, more than "
        "WAYMARK_MAX_PAYLOAD_BYTES (120)"
    )
    assert loud["value"]["message"].startswith("the error raised by action 'm:loud' cannot")
    assert (big["ok"], loud["ok"]) == (False, False)


async def test_a_worker_encodes_each_reply_on_its_own() -> None:
    pipe = _Pipe()
    outbox = _Outbox(pipe, 2**31, None)  # type: ignore[arg-type]
    outbox.put({"id": 1, "ok": True, "value": 7}, "m:fine")
    outbox.put({"id": 2, "ok": True, "value": 10**5000}, "m:huge")
    outbox.put({"id": 3, "ok": True, "value": "x"}, "m:fine")
    await asyncio.sleep(0)
    [first, third], [refused] = pipe.messages()
    assert (first, third) == (
        {"id": 1, "ok": True, "value": 7},
        {"id": 3, "ok": True, "value": "x"},
    )
    assert refused["id"] == 2 and not refused["ok"]
    assert refused["value"]["type"] == "waymark_runtime.errors:ValueNotSerializable"
    assert refused["value"]["message"].startswith("the result of action 'm:huge' cannot be stored")


def test_an_unloaded_exception_keeps_an_escaped_message() -> None:
    stored = to_json(ValueError("bad\x00byte"))
    raised = exception_of({**stored, "type": "nowhere.module:Weird"})
    assert isinstance(raised, WorkflowFailed) and str(raised) == "Weird: bad\x00byte"


def test_an_instance_that_fails_on_its_rows_ends_its_attempts_too() -> None:
    """When an instance's rows do not store, it fails, and so do the attempts whose results
    those rows held and those still running: none stays `running` for ever."""
    claimed = ClaimedInstance(instance_id="i1", workflow="W", version="v", wrl="", inputs={},
                              state=None, events=[])  # fmt: skip
    held = Held(claimed=claimed, claimed_at=0.0)
    held.running[("n3", 1)] = Attempt("n3", 1, "m:slow", [], {}, None)
    rows = CommitBatch()
    rows.finish("i1", "n2", 1, True, "a\x00b")
    change = failure(held, RuntimeError("rows refused"), rows)
    [instance] = change.batch.rows["s"]
    assert instance["status"] == "failed" and instance["error"]["message"] == "rows refused"
    ended = [(op["node"], op["op"], op["status"]) for op in change.batch.rows["o"]]
    assert ended == [("n2", "finish", "failed"), ("n3", "finish", "failed")]


def test_an_instance_that_fails_on_its_rows_ends_its_queued_attempts_too() -> None:
    """Those waiting for a slot or out a backoff, and those its refused rows were starting:
    none stays `queued` for ever."""
    claimed = ClaimedInstance(instance_id="i1", workflow="W", version="v", wrl="", inputs={},
                              state=None, events=[])  # fmt: skip
    held = Held(claimed=claimed, claimed_at=0.0)
    held.gated[("n1", 1)] = Attempt("n1", 1, "m:limited", [], {}, None)
    held.delayed[("n2", 2)] = (Attempt("n2", 2, "m:flaky", [], {}, None), 60.0)
    rows = CommitBatch()
    rows.start("i1", "n3", 1)
    change = failure(held, RuntimeError("rows refused"), rows)
    ended = [(op["node"], op["attempt"], op["op"], op["status"]) for op in change.batch.rows["o"]]
    assert sorted(ended) == [("n1", 1, "finish", "failed"), ("n2", 2, "finish", "failed"),
                             ("n3", 1, "finish", "failed")]  # fmt: skip


@pytest.mark.parametrize("levels", [1000, 5000])
async def test_values_nest_as_deeply_as_cpythons_json_takes_them(
    store: PostgresStore, database: str, levels: int
) -> None:
    """A thousand levels (CPython's `json` under its default recursion limit) travel through
    every codec on both runtimes; far deeper is refused by name, not a RecursionError."""
    workflow = flows.DeepValues()
    outcomes = []
    for run in (lambda: _on_local(workflow, levels=levels),
                lambda: _on_postgres(store, database, workflow, levels=levels)):  # fmt: skip
        try:
            outcomes.append(await run())
        except ValueNotSerializable as error:
            outcomes.append(str(error))
    if levels == 1000:
        assert outcomes[0] == outcomes[1] == await workflow.run_inline(levels=levels)
        assert outcomes[0][0] == [1000, 1000, 1000]
    else:
        assert outcomes[0] == outcomes[1]
        assert "nests too deeply" in outcomes[0], outcomes[0]


@pytest.mark.parametrize(
    ("workflow", "fits", "words"),
    [
        (flows.BuildsDeep(), 1, "state cannot be saved: a value nests too deeply"),
        # not a `RecursionError` the workflow could catch: Python raises none building it
        (flows.RaisesDeep(), "ValueError", "the value nests too deeply"),
    ],
)
async def test_a_value_nested_past_the_codecs_fails_its_instance_by_name(
    store: PostgresStore, database: str, workflow: Any, fits: object, words: str
) -> None:
    """A state holding it, or a class built from it; on both runtimes, and on PostgreSQL the
    runner goes on with the next instance."""
    assert await _on_local(workflow, levels=1000) == fits
    with pytest.raises(ValueNotSerializable, match=words):
        await _on_local(workflow, levels=30_000)
    settings = runner_settings(database, user_modules=MODULES)
    async with running(store, settings), waymark.connect(database):
        with pytest.raises(ValueNotSerializable, match=words):
            await workflow.run(levels=30_000)
        assert await workflow.run(levels=1000) == fits


async def test_a_result_holding_a_class_the_runtime_may_not_name_is_refused() -> None:
    from tests.parity.cases.class_results import ForeignFieldType

    async with LocalRuntime():
        with pytest.raises(ValueNotSerializable, match=r"holds the class pathlib:PurePosixPath"):
            await ForeignFieldType().run()
