"""Exception chains as values: stored inside the exception, one value where cause and context
are one exception, bounded in length, and never a cycle."""

from __future__ import annotations

import json

from tests.interpreter.host import drive
from tests.parity.cases.chain_identity import ChainIdentity
from tests.parity.cases.exception_chains import LongChain
from tests.parity.cases.group_members import GroupMemberChain
from waymark._workflow import definition_of
from waymark.testing import LocalRuntime
from waymark_runtime.values import ExceptionValue, chained_value, to_json, to_value
from waymark_runtime.values.exception_values import MAX_CHAIN


def _error(name: str) -> ExceptionValue:
    return ExceptionValue((f"builtins:{name}", "builtins:Exception"), name, (name,))


def test_chain_round_trips_with_one_value_for_cause_and_context() -> None:
    handled, raised = _error("KeyError"), _error("ValueError")
    raised.chained(handled)
    raised.caused_by(handled)
    back = to_value(json.loads(json.dumps(to_json(raised))))
    assert back.cause is back.context
    assert back.cause.args == ("KeyError",)
    assert back.suppress is True


def test_from_none_suppresses_and_keeps_the_context() -> None:
    handled, raised = _error("KeyError"), _error("ValueError")
    raised.chained(handled)
    raised.caused_by(None)
    back = to_value(to_json(raised))
    assert (back.cause, back.suppress, back.context.args) == (None, True, ("KeyError",))


def test_a_real_cycle_ends_where_it_comes_back() -> None:
    first, second = KeyError("a"), ValueError("b")
    first.__context__, second.__context__ = second, first
    value = chained_value(first)
    assert value.context is not None and value.context.context is None
    assert to_value(to_json(value)).context.args == ("b",)


def test_chaining_never_makes_a_cycle() -> None:
    a, b = _error("KeyError"), _error("ValueError")
    b.chained(a)
    a.chained(b)  # as CPython: the link back to `a` in `b`'s chain is cut
    assert (a.context, b.context) == (b, None)


async def test_a_chain_keeps_at_most_max_chain_links() -> None:
    async with LocalRuntime():
        result = await LongChain().run(MAX_CHAIN + 8)
    assert result["depth"] == MAX_CHAIN + 1
    assert result["last"] == f"link {MAX_CHAIN + 7}"


async def test_a_link_is_the_object_held_elsewhere_after_each_resume() -> None:
    # `drive` saves the state as JSON text and loads it again at every step, as a runner that
    # picks the instance up in another process does.
    outcome = await drive(definition_of(ChainIdentity).program, {"n": 1})
    before, after, context, cause, later = outcome[1]
    assert (before, after, context, cause) == ([True, True], [True] * 4, "changed", "changed")
    assert later == [True, True, "no 1"]


async def test_a_group_member_is_the_exception_put_in_it_after_each_resume() -> None:
    outcome = await drive(definition_of(GroupMemberChain).program, {"wait": True})
    chains, same, notes = outcome[1]
    assert chains[0] == ["LookupError('inner')", "None", True]
    assert chains[1] == ["None", "OSError('why')", True]
    assert (same, notes) == ([True, True], ["later"])
