"""The interpreter's limits on LocalRuntime: each poison program fails its instance with
`LimitExceeded` naming the limit, its setting and the line, quickly; ordinary programs at the
boundary still run; a workflow cannot catch the refusal and loop on."""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import math
import time
from collections import Counter, defaultdict, deque
from decimal import Decimal
from fractions import Fraction
from string import Template
from typing import Any

import pytest
from pydantic import BaseModel

from tests import limit_helpers
from tests.limit_flows import (
    Amplified,
    AnyOfGenerator,
    Gathers,
    ListComprehension,
    Power,
    Repeat,
    Repeated,
    SharedRows,
    SpinElsewhere,
)
from waymark import Workflow, action, workflow
from waymark.testing import LocalRuntime
from waymark_runtime import ir
from waymark_runtime.config import ConfigError
from waymark_runtime.effects import Fail
from waymark_runtime.interpreter import LimitExceeded, Limits, StepContext, start
from waymark_runtime.wrl import parse

SMALL = Limits(operations=200_000, collection_length=1_000, string_length=10_000, int_digits=50)
OPERATIONS = "WAYMARK_MAX_STEP_OPERATIONS"
ITEMS = "WAYMARK_MAX_COLLECTION_LENGTH"
CHARS = "WAYMARK_MAX_STRING_LENGTH"
DIGITS = "WAYMARK_MAX_INT_DIGITS"
PAYLOAD = "WAYMARK_MAX_PAYLOAD_BYTES"


@action
async def tick(value: int) -> int:
    return value


@workflow
class Spin(Workflow):
    async def run(self) -> int:
        n = 0
        while True:
            n += 1
        return n


class Bag(BaseModel):
    items: list[str]


@workflow
class Builtins(Workflow):
    async def run(self, case: str, n: int) -> Any:
        if case == "sum":
            return sum(range(n))
        if case == "sorted":
            return len(sorted(range(n)))
        if case == "list":
            return len(list(range(n)))
        if case == "in-iterator":
            return (-1,) in zip(range(n))
        if case == "pow":
            return pow(10**4000 + 7, 10**4000 + 7, 10**4000 + 9)
        if case == "shift":
            return 1 << n
        if case == "math.fsum":
            return math.fsum(i for i in range(n))
        if case == "math.prod":
            return math.prod([10**40] * n) % 7
        if case == "math.lcm":
            return math.lcm(*range(1, n)) % 7
        if case == "map":
            return sum(map(abs, range(n)))
        if case == "Counter":
            return len(Counter(range(n)))
        if case == "defaultdict":
            grown = defaultdict(list)
            for i in range(n):
                grown[i].append(i)
            return len(grown)
        if case == "model_dump_json":
            return len(Bag(items=["x" * 100] * n).model_dump_json())
        if case == "product":
            return next(itertools.product(range(n), range(n), range(n)))
        if case == "permutations":
            return next(itertools.permutations(range(n)))
        if case == "chain":
            return next(itertools.chain(range(n), range(n)))
        if case == "factorial":
            return math.factorial(n) % 7
        if case == "fraction-text":
            return Fraction(f"1e{n}") > 0
        if case == "fraction-decimal":
            return Fraction(Decimal(f"1e-{n}")) > 0
        if case == "fraction-power":
            return Fraction(3, 2) ** -n > 0
        if case == "fraction-round":
            return round(Fraction(1, 3), n) > 0
        if case == "round-int":  # Python computes ten to the n first: seconds for 10**7
            return [round(5, -n), round(-(10**40), -n), round(0, -n), round(149, -2)]
        if case == "fraction-divide":
            share = Fraction(1)
            for _ in range(n):
                share = share / Fraction(7, 3)
            return share > 0
        if case == "comb":
            return math.comb(n, n // 2) % 7
        if case == "heappush":
            heap: list[int] = []
            for i in range(n):
                heapq.heappush(heap, -i)
            return len(heap)
        if case == "deque":
            return len(deque(range(n)))
        if case == "deque-maxlen":
            return len(deque(range(n), maxlen=3))
        if case == "appendleft":
            queue: deque[int] = deque()
            for i in range(n):
                queue.appendleft(i)
            return len(queue)
        if case == "nlargest":
            return heapq.nlargest(2, range(n))
        if case == "count-in":
            return -1 in itertools.count(n)
        if case == "count-list":
            return len(list(itertools.count(n)))
        if case == "cycle-deque":
            return len(deque(itertools.cycle([n]), maxlen=2))
        if case == "repeat-sorted":
            return len(sorted(itertools.repeat(n)))
        if case == "count-zip":
            return dict(zip(itertools.count(n), itertools.repeat(0)))
        if case == "heapify":
            rows = [[i] * 100 for i in range(900)]
            for _ in range(n):
                heapq.heapify(rows)
            return len(rows)
        return None


@workflow
class Strings(Workflow):
    async def run(self, case: str, n: int) -> int:
        if case == "ljust":
            return len("x".ljust(n))
        if case == "join":
            return len(("x" * 5_000).join(["ab"] * n))
        if case == "replace":
            return len(("a" * 100).replace("a", "b" * n))
        if case == "translate":
            return len(("a" * 100).translate({ord("a"): "b" * n}))
        if case == "format-spec":
            return len(f"{1:>{n}}")
        if case == "format-call":
            template = "{:>" + "{}}"
            return len(template.format(1, n))
        if case == "template":
            return len(Template("$a" * 1_000).substitute(a="b" * n))
        if case == "decimal-fixed":  # a short Decimal written out digit by digit
            return len(f"{Decimal(f'1e{n}'):f}")
        if case == "decimal-fixed-small":
            return len(f"{Decimal(f'1e-{n}'):,.2%}")
        if case == "decimal-fixed-call":
            return len("{:f}".format(Decimal(f"-1e{n}")))
        if case == "concat":
            s = "ab"
            for _ in range(n):
                s = s + s
            return len(s)
        return 0


@workflow
class Shared(Workflow):
    async def run(self, case: str) -> Any:
        t = [0] * 1000
        t = [t] * 1000
        t = [t] * 1000
        if case == "str":
            return len(str(t))
        u = (0,) * 1000
        u = (u,) * 1000
        u = (u,) * 1000
        v = (1,) * 1000
        v = (v,) * 1000
        v = (v,) * 1000
        return u == v


@action
async def keep(value: Any) -> int:
    return 0


class Holder(BaseModel):
    items: list[Any]


@workflow
class Doubled(Workflow):
    """A list reached a billion times through shared references: cheap as workflow state (a
    list reached again is stored once), a billion items once it leaves the workflow."""

    async def run(self, case: str) -> Any:
        t = [0] * 1000
        t = [t] * 1000
        t = [t] * 1000
        await asyncio.sleep(0)  # saved across an await: fine
        if case == "action":
            return await keep(t)
        if case == "keyword":
            return await keep(value=t)
        if case == "raise":
            raise ValueError(t)
        if case == "model":
            return len(Holder(items=t).items)
        if case == "helper":
            return await asyncio.gather(self.echo(t))
        return t

    async def echo(self, value: Any) -> Any:
        return value


@workflow
class Hashing(Workflow):
    async def run(self, case: str) -> Any:
        u = (0,) * 1000
        u = (u,) * 1000
        u = (u,) * 1000
        if case == "set":
            return len({u})
        if case == "dict":
            return {u: 1}[u]
        if case == "in":
            return u in {1: 2}
        return len({v: 1 for v in [u]})


@workflow
class Scans(Workflow):
    async def run(self, case: str) -> int:
        xs = list(range(1_000))
        n = 0
        for _ in range(2_000):
            if case == "index":
                n += xs.count(-1)
            elif case == "insert":
                xs.insert(0, 1)
                xs.pop(0)
            else:
                n += len(xs[1:])
        return n


@workflow
class Accumulates(Workflow):
    async def run(self, n: int) -> int:
        items = []
        for i in range(n):
            items.append(i)
            if i % 100 == 0:
                await tick(i)
        return len(items)


@workflow
class GeneratedForever(Workflow):
    async def run(self) -> int:
        # Two `for`s: saved as its items, too many (one `for` is saved over its range).
        for i in (n * 2 for n in range(10**12) for _ in (0,)):
            await tick(i)
        return 0


@workflow
class Swallows(Workflow):
    async def run(self) -> str:
        while True:
            try:
                return "a" * 10**10
            except Exception:
                pass


async def refusal(flow: type[Workflow], *args: Any, limits: Limits = SMALL) -> LimitExceeded:
    """Run `flow` to its failure; assert it is a limit, refused after bounded work: at most 30
    seconds of this process's CPU time (the heaviest, a gather of a million calls, spends about
    4), while an unbounded program would run for minutes or exhaust memory. CPU time, not wall
    time: on a loaded machine the same work takes several times as long by the clock."""
    began = time.process_time()
    async with LocalRuntime(limits=limits):
        with pytest.raises(LimitExceeded) as caught:
            await flow().run(*args)
    assert time.process_time() - began < 30
    return caught.value


def line_of(flow: type[Workflow], text: str) -> int:
    lines, first = inspect.getsourcelines(flow)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize(
    ("flow", "args", "setting", "text"),
    [
        (AnyOfGenerator, (10**12,), OPERATIONS, "return any"),
        (ListComprehension, (10**12,), ITEMS, "return len"),
        (Repeat, (10**10,), CHARS, "return len"),
        (Power, (8,), DIGITS, "return 10**10**n"),
        (Spin, (), OPERATIONS, "n += 1"),
    ],
)
async def test_the_issue_s_poison_programs_fail_their_instance(
    flow: type[Workflow], args: tuple[Any, ...], setting: str, text: str
) -> None:
    error = await refusal(flow, *args)
    line = line_of(flow, text)
    assert error.setting == setting and error.line == line
    assert setting in str(error) and f"at line {line}" in str(error)


async def test_a_limit_in_a_function_of_another_module_names_its_file() -> None:
    """The line is that module's: the message names its file and the function, as a
    traceback would (`File "...", line N, in spin`)."""
    error = await refusal(SpinElsewhere, 10**12)
    line = line_of(limit_helpers.spin, "total += 1")  # type: ignore[arg-type]
    assert error.line == line and error.setting == OPERATIONS
    assert str(error).startswith(
        f'step budget exceeded at "{limit_helpers.__file__}", line {line}, in spin: '
    )
    assert getattr(error, "__notes__", []) == [
        f'raised at "{limit_helpers.__file__}", line {line}, in spin'
    ]


@pytest.mark.parametrize(
    ("n", "setting", "words"),
    [
        (20_000, PAYLOAD, "its JSON is more than 33,554,432 bytes"),
        (3_500, OPERATIONS, "writing the value out takes more than"),
    ],
)
async def test_a_list_held_many_times_is_measured_once(n: int, setting: str, words: str) -> None:
    """One row held `n` times is n * n zeros written out: refused at once, measured by its
    distinct objects (400 million zeros would take minutes to walk), in words that say why;
    12 million zeros fit the payload limit but not the step budget."""
    began = time.monotonic()
    error = await refusal(SharedRows, n, limits=Limits())
    assert time.monotonic() - began < 20  # walking every copy takes minutes
    assert error.setting == setting and words in str(error)
    assert "the same list, dict, set or object several times" in str(error)


async def test_the_defaults_refuse_them_too() -> None:
    error = await refusal(ListComprehension, 10**12, limits=Limits())
    assert str(error) == (
        f"collection too long at line {line_of(ListComprehension, 'return len')}: "
        "1,000,001 items, the limit is 1,000,000 (WAYMARK_MAX_COLLECTION_LENGTH)"
    )
    assert (await refusal(AnyOfGenerator, 10**12, limits=Limits())).setting == OPERATIONS


@pytest.mark.parametrize(
    ("case", "n", "setting"),
    [
        ("sum", 10**12, OPERATIONS),
        ("sorted", 10**12, ITEMS),
        ("list", 10**12, ITEMS),
        ("in-iterator", 10**12, OPERATIONS),
        ("pow", 0, OPERATIONS),
        ("shift", 10**10, DIGITS),
        ("math.fsum", 10**12, OPERATIONS),
        ("math.prod", 1_000, DIGITS),
        ("math.lcm", 1_000, DIGITS),
        ("map", 10**12, OPERATIONS),
        ("model_dump_json", 200, CHARS),
        ("Counter", 10**12, ITEMS),
        ("defaultdict", 10**12, OPERATIONS),
        ("product", 1_000, ITEMS),  # 10**9 tuples: refused before any is built
        ("permutations", 20, ITEMS),
        ("chain", 10**12, ITEMS),
        ("heappush", 10**12, ITEMS),
        ("factorial", 10**6, DIGITS),  # refused before the work: lgamma gives its digits
        ("fraction-text", 10**12, DIGITS),  # exponents refused before they are expanded
        ("fraction-decimal", 999_999_999, DIGITS),
        ("fraction-power", 10**12, DIGITS),
        ("fraction-round", 10**12, DIGITS),
        ("fraction-divide", 10**6, DIGITS),  # each quotient's terms checked
        ("comb", 10**9, DIGITS),
        ("deque", 10**12, ITEMS),
        ("deque-maxlen", 10**12, OPERATIONS),  # bounded by its maxlen, charged item by item
        ("appendleft", 10**12, ITEMS),
        ("nlargest", 10**12, ITEMS),
        ("heapify", 1, OPERATIONS),  # visits the nested items: 0 calls fit (test below)
        ("count-in", 0, OPERATIONS),  # iterators that never end, read by Python's builtins
        ("count-list", 0, ITEMS),
        ("cycle-deque", 0, OPERATIONS),
        ("repeat-sorted", 0, ITEMS),
        ("count-zip", 0, ITEMS),
    ],
)
async def test_builtins_are_charged_for_their_input(case: str, n: int, setting: str) -> None:
    limits = Limits() if case == "pow" else SMALL
    assert (await refusal(Builtins, case, n, limits=limits)).setting == setting


@pytest.mark.parametrize(
    ("case", "n"),
    [
        ("ljust", 10**10),
        ("join", 100),
        ("replace", 10**10),
        ("translate", 10**6),
        ("format-spec", 10**10),
        ("format-call", 10**10),
        ("template", 5_000),  # each value counted as it is read: refused before the join
        ("decimal-fixed", 10**12),  # measured from the Decimal's exponent, never written out
        ("decimal-fixed-small", 10**12),
        ("decimal-fixed-call", 10**12),
    ],
)
async def test_strings_are_refused_before_they_are_built(case: str, n: int) -> None:
    assert (await refusal(Strings, case, n)).setting == CHARS


@pytest.mark.parametrize(
    "expression",
    ["'%*d' % (n, 1)", "'%0100000d' % 1", "'%s%s' % ('x' * 9000, 'y' * 9000)"],
)
def test_a_stored_program_the_compiler_would_refuse_is_bounded_too(expression: str) -> None:
    program = parse(f"wrl 2\n\nworkflow W @1:1\n\nfn run(n): @2:1\n    return {expression} @3:5\n")
    assert isinstance(program, ir.Workflow)
    _, (failed,) = start(program, {"n": 10**10}, StepContext(limits=SMALL))
    assert isinstance(failed, Fail) and failed.error["attrs"]["setting"] == CHARS
    assert failed.error["message"].startswith("string too long at line 3: ")


async def test_a_decimal_in_fixed_point_within_the_limit_is_written_as_python_writes_it() -> None:
    for case, n in (("decimal-fixed", 9_000), ("decimal-fixed-small", 3_000)):
        async with LocalRuntime(limits=SMALL):
            assert await Strings().run(case, n) == await Strings().run_inline(case, n)


async def test_a_string_doubling_in_a_loop_stops_at_the_limit() -> None:
    assert (await refusal(Strings, "concat", 100)).setting == CHARS


@pytest.mark.parametrize("case", ["str", "compare"])
async def test_shared_references_are_counted_every_time_they_are_visited(case: str) -> None:
    limit = await refusal(Shared, case, limits=Limits())
    assert limit.setting == (CHARS if case == "str" else OPERATIONS)


@pytest.mark.parametrize(
    ("case", "setting"),
    [("action", PAYLOAD), ("keyword", PAYLOAD), ("helper", PAYLOAD), ("return", PAYLOAD),
     ("raise", OPERATIONS), ("model", OPERATIONS)],
)  # fmt: skip
async def test_shared_references_leaving_the_workflow_are_counted_every_time(
    case: str, setting: str
) -> None:
    """A billion zeros written out: as an action's argument or the result it cannot fit the
    payload limit, and is refused as too large in words that say the value holds a list many
    times; an exception's args and a model's fields are visited item by item, past the step
    budget. Either way, at once."""
    began = time.monotonic()
    error = await refusal(Doubled, case, limits=Limits())
    assert time.monotonic() - began < 5
    assert error.setting == setting
    if setting == PAYLOAD:
        assert "the same list, dict, set or object several times" in str(error)


@pytest.mark.parametrize("case", ["compare", "action", "return"])
async def test_a_long_string_repeated_is_weighed_without_reading_every_copy(case: str) -> None:
    began = time.monotonic()
    assert (await refusal(Repeated, case, limits=Limits())).setting == OPERATIONS
    assert time.monotonic() - began < 10  # reading every copy took minutes


@pytest.mark.parametrize(("case", "line"), [("action", "await keep("), ("return", "return [text]")])
async def test_a_value_leaving_the_workflow_is_held_to_the_payload_limit(
    case: str, line: str
) -> None:
    """As an action's result is: 33 copies of a 1 MB text fit in 32 MiB of JSON, 34 do not."""
    limit = await refusal(Amplified, 34, case, limits=Limits())
    assert (limit.setting, limit.line) == (PAYLOAD, line_of(Amplified, line))
    assert str(limit).endswith("its JSON is more than 33,554,432 bytes (WAYMARK_MAX_PAYLOAD_BYTES)")
    async with LocalRuntime():
        result = await Amplified().run(33, case)
    assert result == (0 if case == "action" else ["x" * 1_000_000] * 33)


async def test_a_gather_of_a_million_calls_is_refused_before_it_blocks_the_runner() -> None:
    assert (await refusal(Gathers, 10**6, limits=Limits())).setting == OPERATIONS


async def test_each_call_a_gather_dispatches_is_charged() -> None:
    limits = Limits(operations=50_000, collection_length=10_000)
    assert (await refusal(Gathers, 1_000, limits=limits)).setting == OPERATIONS
    async with LocalRuntime(limits=limits):
        assert await Gathers().run(500) == 500


@pytest.mark.parametrize("case", ["set", "dict", "in", "comprehension"])
async def test_hashing_a_tuple_is_charged_for_its_nested_items(case: str) -> None:
    assert (await refusal(Hashing, case, limits=Limits())).setting == OPERATIONS


@pytest.mark.parametrize("case", ["index", "insert", "slice"])
async def test_methods_and_slices_are_charged_for_the_items_they_move(case: str) -> None:
    error = await refusal(Scans, case, limits=Limits(operations=1_000_000))  # 2,000 x 1,000
    assert error.setting == OPERATIONS
    async with LocalRuntime(limits=Limits()):
        assert await Scans().run(case) == (0 if case != "slice" else 2_000 * 999)


async def test_a_collection_growing_across_awaits_is_refused() -> None:
    assert (await refusal(Accumulates, 5_000)).setting == ITEMS


async def test_a_lazy_loop_iterator_that_cannot_be_saved_is_refused() -> None:
    assert (await refusal(GeneratedForever)).setting == ITEMS


async def test_a_workflow_cannot_catch_a_limit_and_go_on() -> None:
    assert (await refusal(Swallows)).setting == CHARS


async def test_values_at_the_limits_are_fine() -> None:
    async with LocalRuntime(limits=SMALL):
        assert await ListComprehension().run(1_000) == 1_000
        assert await Repeat().run(10_000) == 10_000
        assert await Builtins().run("shift", 160) is not None  # 49 digits
        assert await Builtins().run("fraction-power", 100) is True  # 48 digits
        assert await Builtins().run("fraction-text", 40) is True
        assert await Builtins().run("round-int", 10**12) == [0, 0, 0, 100]
        assert await Strings().run("ljust", 10_000) == 10_000
        assert await Strings().run("template", 9) == 9_000
        assert await Accumulates().run(1_000) == 1_000
        assert await Builtins().run("heapify", 0) == 900


async def test_local_runtime_reads_the_limits_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CHARS, "100")
    async with LocalRuntime():
        assert await Repeat().run(100) == 100
        with pytest.raises(LimitExceeded, match=CHARS):
            await Repeat().run(101)
    monkeypatch.setenv(CHARS, "none")
    with pytest.raises(ConfigError, match=CHARS):
        LocalRuntime()


async def test_other_instances_go_on_while_a_poison_is_refused() -> None:
    async with LocalRuntime() as runtime:
        poison = asyncio.ensure_future(AnyOfGenerator().run(10**12))
        canary = await asyncio.wait_for(Accumulates().run(300), 10)
        assert canary == 300
        with pytest.raises(LimitExceeded):
            await poison
        assert runtime is not None
