"""A pattern of Python's `re`, spelled for the `regex` engine with `re`'s exact meaning.

The interpreter matches with `regex` because it can stop a match that runs too long (`re`
cannot be interrupted: `(a+)+$` on forty `a`s and a `b` would hold a runner for hours). Its
syntax is read by Python's own parser (`re._parser`: the same errors, the same groups), and
the tree is written back out in a form both engines read alike: every character test as an
explicit set of code points computed with `re`'s own definitions (`\\w` is `str.isalnum()` or
`_`, `\\s` is `str.isspace()`, `\\d` is `str.isdecimal()`, and a case-insensitive test asks
`re` itself which cased characters it accepts), anchors and `\\b` as plain lookarounds, and
groups unnamed but numbered as in the source. Nothing here matches text.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import bisect
import functools
import re
import sys
from collections.abc import Callable, Iterable
from re import _casefix, _compiler, _constants, _parser  # type: ignore[attr-defined]
from typing import Any

_C = _constants
_IGNORECASE = re.IGNORECASE.value
_DOTALL = re.DOTALL.value
_UNICODE = re.UNICODE.value
_MULTILINE = re.MULTILINE.value
_TOP = sys.maxunicode

Ranges = tuple[tuple[int, int], ...]  # sorted, disjoint, inclusive


class Unsupported(Exception):
    """A construct whose `re` meaning the `regex` engine cannot be given."""


MAX_TRANSLATED = 1_000_000  # characters of `regex` text one pattern may become


@functools.lru_cache(maxsize=512)
def translate(pattern: str, flags: int) -> str:
    """`pattern` (already compiled by `re` with `flags`, so valid) as `regex` VERSION0 text:
    the pattern's own groups first, numbered as in `pattern`, then unnamed definitions
    (`(?(DEFINE)...)`, groups that never match) of the large sets it refers to (`\\w`)."""
    parsed = _parser.parse(pattern, flags)
    writer = _Writer()
    body = writer.sequence(parsed, parsed.state.flags)
    if not writer.defined:
        return body
    named = "".join(f"(?P<{name}>{text})" for name, text in writer.defined.items())
    return f"{body}(?(DEFINE){named})"


class _Writer:
    """Writes one parsed pattern; `defined` collects the named sets it refers to."""

    def __init__(self) -> None:
        self.defined: dict[str, str] = {}
        self.size = 0

    def sequence(self, items: Iterable[tuple[Any, Any]], flags: int) -> str:
        parts = [self.item(op, av, flags) for op, av in items]
        self.size += sum(map(len, parts))
        if self.size > MAX_TRANSLATED:
            raise Unsupported("a pattern this large")
        return "".join(parts)

    def refer(self, name: str, ranges: Ranges) -> str:
        self.defined.setdefault(name, _set_text(ranges))
        return f"(?&{name})"

    def item(self, op: Any, av: Any, flags: int) -> str:
        if op in (_C.LITERAL, _C.NOT_LITERAL, _C.IN, _C.ANY):
            return self.unit(op, tuple(av) if op is _C.IN else av, flags)
        if op is _C.SUBPATTERN:
            group, add, remove, body = av
            inner = self.sequence(body, _compiler._combine_flags(flags, add, remove))
            return f"({inner})" if group else f"(?:{inner})"
        if op is _C.BRANCH:
            return "(?:" + "|".join(self.sequence(branch, flags) for branch in av[1]) + ")"
        if op in _REPEATS:
            low, high, body = av
            bound = "" if high == _C.MAXREPEAT else str(high)
            return f"(?:{self.sequence(body, flags)}){{{low},{bound}}}{_REPEATS[op]}"
        if op is _C.ATOMIC_GROUP:
            return f"(?>{self.sequence(av, flags)})"
        if op is _C.AT:
            return self.anchor(av, flags)
        if op is _C.GROUPREF:
            if flags & _IGNORECASE:
                raise Unsupported("a backreference in a case-insensitive pattern")
            return f"(?:\\g<{av}>)"
        if op is _C.GROUPREF_EXISTS:
            group, yes, no = av
            other = "" if no is None else "|" + self.sequence(no, flags)
            return f"(?({group}){self.sequence(yes, flags)}{other})"
        if op in (_C.ASSERT, _C.ASSERT_NOT):
            direction, body = av
            kind = ("=" if op is _C.ASSERT else "!") if direction == 1 else ("<=" if op is _C.ASSERT else "<!")  # fmt: skip
            return f"(?{kind}{self.sequence(body, flags)})"
        raise Unsupported(f"the construct {op}")

    def anchor(self, at: Any, flags: int) -> str:
        if at in (_C.AT_BOUNDARY, _C.AT_NON_BOUNDARY):
            word = self.category(_C.CATEGORY_WORD, flags)
            if at is _C.AT_BOUNDARY:
                return f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
            inside = f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"
            return inside if _EMPTY_NON_BOUNDARY else f"(?!\\A\\Z){inside}"
        if flags & _MULTILINE:  # `^` and `$` of lines, as `re` compiles them
            at = _C.AT_MULTILINE.get(at, at)
        return _ANCHORS[at]

    def category(self, category: Any, flags: int) -> str:
        unicode = bool(flags & _UNICODE)
        base = _NEGATED.get(category, category)
        name = f"{_NAMES[base]}{'u' if unicode else 'a'}"
        found = self.refer(name, _categories(base, unicode))
        return found if base is category else f"(?:(?!{found})(?s:.))"

    def unit(self, op: Any, av: Any, flags: int) -> str:
        """One character test: its exact set when that is short, else the plain test (its
        categories by reference) corrected on the cased characters."""
        exact = _accepted(op, av, flags)
        if len(exact) <= _SHORT:
            return _set_text(exact)
        plain = self.plain(op, av, flags)
        if not flags & _IGNORECASE or op is _C.ANY:
            return plain
        kept = _points(c for c in _cased() if _contains(exact, c))
        dropped = _minus(_points(_cased()), kept)
        if len(kept) <= len(dropped):
            cased = self.refer("wmc", _points(_cased()))
            return f"(?:(?!{cased}){plain}|{_set_text(kept)})"
        return f"(?:(?!{_set_text(dropped)}){plain}|{_set_text(kept)})"

    def plain(self, op: Any, av: Any, flags: int) -> str:
        """The test without case folding, categories by reference."""
        if op is not _C.IN:
            return _set_text(_plain(op, av, flags))
        negate = any(kind is _C.NEGATE for kind, _ in av)
        small = _union(*(_plain(_C.IN, ((kind, value),), flags) for kind, value in av
                         if kind is _C.LITERAL or kind is _C.RANGE))  # fmt: skip
        options = [self.category(value, flags) for kind, value in av if kind is _C.CATEGORY]
        if small:
            options.append(_set_text(small))
        either = "(?:" + "|".join(options) + ")" if options else "(?!)"
        return f"(?:(?!{either})(?s:.))" if negate else either


def warm() -> None:
    """Build the tables of `\\d`, `\\s`, `\\w` and of cased characters (about a third of a
    second, once per process), so the first match of a step is not charged for them."""
    _cased()
    for category in _NAMES:
        _categories(category, True)


_SHORT = 16  # ranges: a set this small is written out whole
_NAMES = {_C.CATEGORY_DIGIT: "wmd", _C.CATEGORY_SPACE: "wms", _C.CATEGORY_WORD: "wmw"}


def _contains(ranges: Ranges, code: int) -> bool:
    index = bisect.bisect_right(ranges, (code, _TOP + 1)) - 1
    return index >= 0 and ranges[index][0] <= code <= ranges[index][1]


_REPEATS = {_C.MAX_REPEAT: "", _C.MIN_REPEAT: "?", _C.POSSESSIVE_REPEAT: "+"}


_ANCHORS = {
    _C.AT_BEGINNING: r"\A",
    _C.AT_BEGINNING_STRING: r"\A",
    _C.AT_BEGINNING_LINE: r"(?:\A|(?<=\n))",
    _C.AT_END: r"(?=\n?\Z)",
    _C.AT_END_LINE: r"(?=\n|\Z)",
    _C.AT_END_STRING: r"\Z",
}
# `\B` matches the empty string from Python 3.14 on (it never did before).
_EMPTY_NON_BOUNDARY = re.search(r"\B", "") is not None


# ---------------------------------------------------------------------------------------------
# Character tests as sets of code points
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _accepted(op: Any, av: Any, flags: int) -> Ranges:
    """The code points one character test (`a`, `[^a-z\\d]`, `.`) accepts, as `re` decides."""
    plain = _plain(op, av, flags)
    if not flags & _IGNORECASE or op is _C.ANY:
        return plain
    test = list(av) if op is _C.IN else av
    unit = _compiler.compile(_parser.SubPattern(_parser.State(), [(op, test)]), flags)
    kept = [c for c in _cased() if unit.fullmatch(chr(c))]
    return _union(_minus(plain, _points(_cased())), _points(kept))


def _plain(op: Any, av: Any, flags: int) -> Ranges:
    if op is _C.LITERAL:
        return ((av, av),)
    if op is _C.NOT_LITERAL:
        return _complement(((av, av),))
    if op is _C.ANY:
        return ((0, _TOP),) if flags & _DOTALL else _complement(((10, 10),))
    negate, parts = False, list[Ranges]()
    for kind, value in av:
        if kind is _C.NEGATE:
            negate = True
        elif kind is _C.LITERAL:
            parts.append(((value, value),))
        elif kind is _C.RANGE:
            parts.append((value,))
        elif kind is _C.CATEGORY:
            parts.append(_category(value, flags))
        else:
            raise Unsupported(f"the set item {kind}")
    found = _union(*parts)
    return _complement(found) if negate else found


_NEGATED = {
    _C.CATEGORY_NOT_DIGIT: _C.CATEGORY_DIGIT,
    _C.CATEGORY_NOT_SPACE: _C.CATEGORY_SPACE,
    _C.CATEGORY_NOT_WORD: _C.CATEGORY_WORD,
}


def _category(category: Any, flags: int) -> Ranges:
    """`\\d`, `\\s`, `\\w` and their negations: `re`'s Unicode definitions, or ASCII ones when
    the pattern is not Unicode (`re.ASCII`)."""
    if category in _NEGATED:
        return _complement(_category(_NEGATED[category], flags))
    return _categories(category, bool(flags & _UNICODE))


@functools.cache
def _categories(category: Any, unicode: bool) -> Ranges:
    if not unicode:  # few enough to ask `re` itself
        test = _compiler.compile(
            _parser.SubPattern(_parser.State(), [(_C.IN, [(_C.CATEGORY, category)])]), 0
        ).fullmatch
        return _points(c for c in range(128) if test(chr(c)))
    unicode_test = _TESTS[category]
    return _points(c for c in range(_TOP + 1) if unicode_test(chr(c)))


_TESTS: dict[Any, Callable[[str], bool]] = {
    _C.CATEGORY_DIGIT: str.isdecimal,
    _C.CATEGORY_SPACE: str.isspace,
    _C.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
}


@functools.cache
def _cased() -> tuple[int, ...]:
    """Every code point a case-insensitive test may treat apart from its plain form: those with
    another case, what they lower to, and `re`'s extra equivalences (long s and `s`)."""
    found: set[int] = set()
    for c in range(_TOP + 1):
        if _sre.unicode_iscased(c):
            found.update((c, _sre.unicode_tolower(c)))
    for key, others in _casefix._EXTRA_CASES.items():
        found.update((key, *others))
    return tuple(sorted(found))


def _points(codes: Iterable[int]) -> Ranges:
    """Sorted code points as ranges."""
    out: list[tuple[int, int]] = []
    for code in codes:
        if out and out[-1][1] + 1 >= code:
            out[-1] = (out[-1][0], max(out[-1][1], code))
        else:
            out.append((code, code))
    return tuple(out)


def _union(*sets: Ranges) -> Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(r for ranges in sets for r in ranges):
        if merged and merged[-1][1] + 1 >= low:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _complement(ranges: Ranges) -> Ranges:
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _TOP:
        out.append((start, _TOP))
    return tuple(out)


def _minus(ranges: Ranges, removed: Ranges) -> Ranges:
    return _complement(_union(_complement(ranges), removed))


def _set_text(ranges: Ranges) -> str:
    if not ranges:
        return "(?!)"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    body = "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)
    return f"[{body}]"


def _char(code: int) -> str:
    return f"\\U{code:08x}"
