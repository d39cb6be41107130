"""`re` in a workflow under the interpreter's limits: a backtracking pattern stops, results
are held to the size limits, matches and patterns survive the state codec, and the engine's
text for a pattern means what Python's `re` means (checked against `re` itself)."""

from __future__ import annotations

import random
import re
import time

import pytest

from tests.interpreter.test_limits import line_of
from waymark import Workflow, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.interpreter import LimitExceeded, Limits
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.interpreter.regexes import Regexes
from waymark_runtime.values import from_json, to_json


@workflow
class Backtracking(Workflow):
    async def run(self, n: int) -> bool:
        return re.match(r"(a|aa)+$", "a" * n + "b") is not None


@workflow
class ManySubstitutions(Workflow):
    async def run(self, n: int) -> int:
        return len(re.sub("", "xxxxxxxxxx", "a" * n))


async def test_a_backtracking_pattern_fails_the_instance_in_time() -> None:
    began = time.monotonic()
    async with LocalRuntime(limits=Limits(regex_milliseconds=200)):
        with pytest.raises(LimitExceeded) as caught:
            await Backtracking().run(60)
    assert time.monotonic() - began < 20
    error = caught.value
    assert error.setting == "WAYMARK_MAX_REGEX_MILLISECONDS"
    assert error.line == line_of(Backtracking, "return re.match")
    assert "regular expression too slow" in str(error)


async def test_a_substitution_is_held_to_the_string_limit() -> None:
    async with LocalRuntime(limits=Limits(string_length=10_000)):
        with pytest.raises(LimitExceeded) as caught:
            await ManySubstitutions().run(5_000)
    assert caught.value.setting == "WAYMARK_MAX_STRING_LENGTH"


def test_the_text_scanned_is_charged() -> None:
    meter = Meter(Limits(operations=1_000))
    search = Regexes(meter).functions()["re.search"]
    assert search(r"z", "a" * 60_000) is None
    with pytest.raises(LimitExceeded):
        search(r"z", "a" * 60_000)


def test_matches_and_patterns_survive_the_state_codec() -> None:
    functions = Regexes(Meter()).functions()
    pattern = functions["re.compile"](r"(?P<k>\w+)=(\d+)?", re.I)
    found = functions["re.search"](pattern, "-- key=")
    back = from_json(to_json([pattern, found]))
    assert back[0] == pattern
    real = re.search(pattern, "-- key=")
    assert real is not None
    answers = ("groups", "groupdict", "span", "lastgroup", "lastindex", "string", "regs")
    for match in (back[1], from_json(to_json(real))):
        assert repr(match) == repr(real)
        for name in answers:
            mine, python = getattr(match, name), getattr(real, name)
            assert (mine() if callable(mine) else mine) == (
                python() if callable(python) else python
            )


_ATOMS = ["a", "b", r"\w", r"\W", r"\s", r"\d", r"\D", ".", "[a-c]", "[^ab]", r"[\w-]", r"\b",
          r"\B", "^", "$", "k", "i", "\u0131", "\u0130", "\u017f", "S", "µ", "²", "\u0301", "\x1c", "(a|b)",
          "(?:ab|a)", "(a*)", "(?P<n>b)", r"\A", r"\Z", "(?=a)", "(?<!b)", r"(b)?(?(3)a|b)",
          "(?>ab|a)", "[^\\W\\d]"]  # fmt: skip
_REPEATS = ["", "", "*", "+", "?", "{1,2}", "*?", "+?", "??", "*+"]
_TEXT = "abkKiI\u0131\u0130sS\u017fµμ²1 _\n\u0301\x1c٣"


def _pattern(rng: random.Random, depth: int = 0) -> str:
    out = ""
    for _ in range(rng.randint(1, 4)):
        if depth < 2 and rng.random() < 0.2:
            out += f"({_pattern(rng, depth + 1)}){rng.choice(_REPEATS)}"
        else:
            atom = rng.choice(_ATOMS)
            zero_width = atom.startswith(
                ("\\b", "\\B", "^", "$", "\\A", "\\Z", "(?=", "(?<", "(b)")
            )
            out += atom + ("" if zero_width else rng.choice(_REPEATS))
    return out


def test_the_engine_answers_as_python_s_re() -> None:
    """Random patterns over the characters where engines differ (`\\w` of marks and
    superscripts, `\\s` of separators, case folding of dotless i, long s, Kelvin): the same matches,
    groups, `findall`, `split` and `sub` as `re`."""
    rng = random.Random(7)
    checked = 0
    while checked < 1_500:
        functions = Regexes(Meter()).functions()  # a step each: compiling takes its time
        source = _pattern(rng)
        flags = rng.choice([0, re.I, re.M, re.S, re.A, re.I | re.A, re.I | re.M])
        try:
            pattern = re.compile(source, flags)
        except re.error:
            continue
        for _ in range(3):
            text = "".join(rng.choice(_TEXT) for _ in range(rng.randint(0, 6)))
            ours = functions["re.search"](pattern, text)
            theirs = pattern.search(text)
            assert (ours and (ours.regs, ours.lastindex)) == (
                theirs and (theirs.regs, theirs.lastindex)
            ), (source, flags, text)
            assert functions["re.findall"](pattern, text) == pattern.findall(text)
            assert functions["re.split"](pattern, text) == pattern.split(text)
            assert functions["re.sub"](pattern, "-", text) == pattern.sub("-", text)
            checked += 1
