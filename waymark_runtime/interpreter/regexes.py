"""`re` in a workflow: Python's syntax, errors and results, matched by an engine that can stop.

A pattern is compiled by Python's `re` (its `re.error`, flags, groups and `repr` are Python's;
a `re.Pattern` is the workflow value) and matched by the `regex` engine on the text
`regex_syntax` writes for it, with a timeout: the time one step spends in regular expressions,
translating, compiling and matching, is bounded (`Limits.regex_milliseconds`), and a match that
runs past it fails the instance with `LimitExceeded` rather than holding the runner. Each call
is charged for the text it scans and the results are held to the size limits. `findall`,
`finditer`, `split` and `sub` are written over the engine's matches, as `re` defines them;
`finditer` finds every match at once (the string cannot change) and returns an iterator over
them, which the state codec keeps across awaits as it keeps a list's. A pattern's `pos` and
`endpos` are clamped to the string as `re` clamps them. A function as the replacement of `sub`
is called by the compiled program on each match of a `Substitution`.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from re import _parser
from typing import Any

import regex  # type: ignore[import-untyped]

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, Meter
from waymark_runtime.interpreter.regex_syntax import Unsupported, translate, warm
from waymark_runtime.values.enums import plain_value
from waymark_runtime.values.matches import MATCH_METHODS, MatchValue
from waymark_runtime.vocabulary import SUBSTITUTED, SUBSTITUTION

PATTERN_METHODS = frozenset(
    {"match", "search", "fullmatch", "findall", "finditer", "split", "sub", "subn"}
)
_POSITIONED = frozenset({"match", "search", "fullmatch", "findall", "finditer"})
_NO_POSITION = 1 << 63


@dataclass(frozen=True, slots=True)
class Substitution:
    """The matches `sub` replaces when its replacement is a function: iterated, the match
    objects the compiled program calls the function on (the first `count`, in order)."""

    pattern: re.Pattern[str]
    string: str
    found: list[Any]
    counted: bool

    def __iter__(self) -> Iterator[MatchValue]:
        return (_match(self.pattern, self.string, found) for found in self.found)


class Regexes:
    """The functions of `re` a workflow may call, and the methods of patterns and matches,
    under one meter."""

    def __init__(self, meter: Meter) -> None:
        self.meter = meter

    def functions(self) -> dict[str, Callable[..., Any]]:
        def searching(kind: str) -> Callable[..., Any]:
            def call(pattern: Any, string: Any, flags: Any = 0) -> Any:
                return self.find(kind, self.compile(pattern, flags), string)

            return call

        def findall(pattern: Any, string: Any, flags: Any = 0) -> list[Any]:
            return self.findall(self.compile(pattern, flags), string)

        def finditer(pattern: Any, string: Any, flags: Any = 0) -> Iterator[MatchValue]:
            return self.finditer(self.compile(pattern, flags), string)

        def split(pattern: Any, string: Any, maxsplit: Any = 0, flags: Any = 0) -> list[Any]:
            return self.split(self.compile(pattern, flags), string, maxsplit)

        def substituting(counted: bool) -> Callable[..., Any]:
            def call(pattern: Any, repl: Any, string: Any, count: Any = 0, flags: Any = 0) -> Any:
                return self.sub(self.compile(pattern, flags), repl, string, count, counted)

            return call

        def substitution(counted: bool) -> Callable[..., Substitution]:
            def call(pattern: Any, string: Any, count: Any = 0, flags: Any = 0) -> Substitution:
                return self.substitution(self.compile(pattern, flags), string, count, counted)

            return call

        def own_substitution(name: str) -> Callable[..., Substitution]:
            def call(pattern: Any, string: Any, count: Any = 0) -> Substitution:
                if not isinstance(pattern, re.Pattern):
                    kind = type(pattern).__name__
                    raise AttributeError(f"'{kind}' object has no attribute '{name}'")
                return self.substitution(pattern, string, count, name == "subn")

            return call

        return {
            "re.compile": self.compile,
            "re.escape": self.escape,
            "re.match": searching("match"),
            "re.search": searching("search"),
            "re.fullmatch": searching("fullmatch"),
            "re.findall": findall,
            "re.finditer": finditer,
            "re.split": split,
            "re.sub": substituting(False),
            "re.subn": substituting(True),
            SUBSTITUTION["re.sub"]: substitution(False),
            SUBSTITUTION["re.subn"]: substitution(True),
            SUBSTITUTION["sub"]: own_substitution("sub"),
            SUBSTITUTION["subn"]: own_substitution("subn"),
            SUBSTITUTED: self.substituted,
        }

    # -- patterns -------------------------------------------------------------------------

    def compile(self, pattern: Any, flags: Any = 0) -> re.Pattern[str]:
        """`re.compile`: Python's own (its errors: `re.error`, a flags argument with a compiled
        pattern); a bytes pattern is refused."""
        pattern = plain_value(pattern)
        if isinstance(pattern, str):
            self.meter.charge(1 + len(pattern) // CHARS_PER_OPERATION)
        compiled = re.compile(pattern, plain_value(flags))
        if not isinstance(compiled.pattern, str):
            raise ProgramError("a bytes pattern is not supported in a workflow: decode the text")
        return compiled

    def escape(self, pattern: Any) -> Any:
        pattern = plain_value(pattern)
        if isinstance(pattern, str):
            self.meter.allow_chars(2 * len(pattern))
        return re.escape(pattern)

    def call_method(self, obj: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A method of a pattern (`PATTERN.match(text)`) or of a match (`m.group(1)`)."""
        if obj.__class__ is MatchValue:
            result = getattr(obj, name)(*args, **kwargs)
            self.meter.charge(1 + sum(len(x) for x in _texts(result)) // CHARS_PER_OPERATION)
            return result
        if name in _POSITIONED:
            return self._positioned(name, obj, *args, **kwargs)
        method = getattr(self, f"_pattern_{name}")
        return method(obj, *args, **kwargs)

    def _positioned(
        self,
        kind: str,
        pattern: re.Pattern[str],
        string: Any,
        pos: Any = 0,
        endpos: Any = _NO_POSITION,
    ) -> Any:
        """`match`, `search`, `fullmatch`, `findall` and `finditer` of a pattern, over the
        window `pos`..`endpos` of the string."""
        if kind == "findall":
            return self.findall(pattern, string, pos, endpos)
        if kind == "finditer":
            return self.finditer(pattern, string, pos, endpos)
        return self.find(kind, pattern, string, pos, endpos)

    def _pattern_split(self, pattern: re.Pattern[str], string: Any, maxsplit: Any = 0) -> Any:
        return self.split(pattern, string, maxsplit)

    def _pattern_sub(self, pattern: re.Pattern[str], repl: Any, string: Any, count: Any = 0) -> Any:
        return self.sub(pattern, repl, string, count, False)

    def _pattern_subn(
        self, pattern: re.Pattern[str], repl: Any, string: Any, count: Any = 0
    ) -> Any:
        return self.sub(pattern, repl, string, count, True)

    # -- matching -------------------------------------------------------------------------

    def find(
        self, kind: str, pattern: re.Pattern[str], string: Any, pos: Any = 0, endpos: Any = None
    ) -> MatchValue | None:
        string = self._text(pattern, string)
        at, end = _window(string, pos, endpos)
        engine = getattr(self._engine(pattern), kind)
        found = self._timed(lambda left: engine(string, at, end, timeout=left))
        return None if found is None else _match(pattern, string, found)

    def finditer(
        self, pattern: re.Pattern[str], string: Any, pos: Any = 0, endpos: Any = None
    ) -> Iterator[MatchValue]:
        string = self._text(pattern, string)
        out: list[MatchValue] = []
        for found in self._matches(pattern, string, *_window(string, pos, endpos)):
            out.append(_match(pattern, string, found))
            self._grew(out)
        return iter(out)

    def findall(
        self, pattern: re.Pattern[str], string: Any, pos: Any = 0, endpos: Any = None
    ) -> list[Any]:
        string = self._text(pattern, string)
        out: list[Any] = []
        for found in self._matches(pattern, string, *_window(string, pos, endpos)):
            if pattern.groups == 0:
                out.append(found.group(0))
            elif pattern.groups == 1:
                out.append(found.group(1) or "")
            else:
                out.append(tuple(g or "" for g in found.groups()[: pattern.groups]))
            self._grew(out)
        return out

    def split(self, pattern: re.Pattern[str], string: Any, maxsplit: Any) -> list[Any]:
        string = self._text(pattern, string)
        limit = operator_index(maxsplit)
        out: list[Any] = []
        last = 0
        for number, found in enumerate(self._matches(pattern, string)):
            if limit and number >= limit:
                break
            out.append(string[last : found.start()])
            out.extend(found.groups()[: pattern.groups])
            last = found.end()
            self._grew(out)
        out.append(string[last:])
        return out

    def sub(
        self, pattern: re.Pattern[str], repl: Any, string: Any, count: Any, counted: bool
    ) -> Any:
        repl = plain_value(repl)
        if type(repl) is not str:
            pattern.sub(repl, "")  # Python's own `TypeError`, before any matching
            raise ProgramError("a replacement that is not a string is not supported in a workflow")
        parts = _template(repl, pattern)
        string = self._text(pattern, string)
        limit = operator_index(count)
        pieces: list[str] = []
        last = made = size = 0
        for found in self._matches(pattern, string):
            if limit and made >= limit:
                break
            pieces.append(string[last : found.start()])
            for part in parts:
                pieces.append(part if isinstance(part, str) else found.group(part) or "")
            size += sum(map(len, pieces[-len(parts) - 1 :]))
            if size > self.meter.chars:
                raise self.meter.too_long(size)
            last, made = found.end(), made + 1
        pieces.append(string[last:])
        result = "".join(pieces)
        self.meter.allow_chars(len(result))
        return (result, made) if counted else result

    def substitution(
        self, pattern: re.Pattern[str], string: Any, count: Any, counted: bool
    ) -> Substitution:
        """The matches a function replaces: the first `count` (all for 0)."""
        string = self._text(pattern, string)
        limit = operator_index(count)
        found: list[Any] = []
        for each in self._matches(pattern, string):
            if limit and len(found) >= limit:
                break
            found.append(each)
            self._grew(found)
        return Substitution(pattern, string, found, counted)

    def substituted(self, substitution: Substitution, replacements: Iterable[Any]) -> Any:
        """The text with each match replaced by what the function returned for it, built as
        `re` builds it (a `None` adds nothing; anything but a string is the `TypeError` of
        joining the pieces, once every replacement is made)."""
        string, pieces, last, size = substitution.string, list[Any](), 0, 0
        for found, replacement in zip(substitution.found, replacements, strict=False):
            if last < found.start():
                pieces.append(string[last : found.start()])
            replacement = plain_value(replacement)
            if replacement is not None:
                pieces.append(replacement)
            size += sum(len(p) for p in pieces[-2:] if isinstance(p, str))
            if size > self.meter.chars:
                raise self.meter.too_long(size)
            last = found.end()
        if last < len(string):
            pieces.append(string[last:])
        result = "".join(pieces)
        self.meter.allow_chars(len(result))
        made = len(substitution.found)
        return (result, made) if substitution.counted else result

    # -- the engine -----------------------------------------------------------------------

    def _text(self, pattern: re.Pattern[str], string: Any) -> str:
        """The string to search, charged for its length; Python's `TypeError` for another
        kind of value (a bytes-like object, a number)."""
        string = plain_value(string)
        if type(string) is not str:
            pattern.search(string)  # Python's own `TypeError`, before any matching
            raise ProgramError(f"`re` cannot search {type(string).__name__} in a workflow")
        self.meter.charge(1 + len(string) // CHARS_PER_OPERATION)
        return string

    def _engine(self, pattern: re.Pattern[str]) -> Any:
        try:
            return _compiled(pattern.pattern, pattern.flags)
        except Unsupported as error:
            raise ProgramError(
                f"{error} is not supported in a workflow (pattern {pattern.pattern!r}): match "
                "in an action"
            ) from None

    def _matches(
        self, pattern: re.Pattern[str], string: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[Any]:
        """The engine's successive matches (`finditer`), each under the time left; none when
        `endpos` is before `pos`, as in `re`."""
        end = len(string) if endpos is None else endpos
        if end < pos:
            return
        engine = self._engine(pattern)
        matches = self._timed(lambda left: engine.finditer(string, pos, end, timeout=left))
        while True:
            found = self._timed(lambda left: next(matches, None))
            if found is None:
                return
            self.meter.charge(1)
            yield found

    def _timed(self, work: Callable[[float], Any]) -> Any:
        """`work(seconds left)`, its time taken from the step's allowance for regular
        expressions; past it, `LimitExceeded`."""
        warm()  # the tables of `\\w` and of case folding, built once per process
        left = self.meter.regex_seconds
        if left <= 0:
            raise self.meter.regex_too_slow()
        begun = time.monotonic()
        try:
            return work(left)
        except TimeoutError:
            self.meter.regex_seconds = 0.0
            raise self.meter.regex_too_slow() from None
        finally:
            self.meter.regex_seconds = left - (time.monotonic() - begun)

    def _grew(self, items: list[Any]) -> None:
        if len(items) > self.meter.items:
            raise self.meter.too_many_items(len(items))
        self.meter.charge(1)


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str, flags: int) -> Any:
    return regex.compile(translate(pattern, flags), regex.VERSION0)


def _match(pattern: re.Pattern[str], string: str, found: Any) -> MatchValue:
    regs = found.regs[: pattern.groups + 1]
    return MatchValue(pattern, string, regs, found.lastindex, found.pos, found.endpos)


def _window(string: str, pos: Any, endpos: Any) -> tuple[int, int]:
    """`pos` and `endpos` of a pattern's method within the string, as `re` clamps them (the
    engine would read a negative one from the end)."""
    size = len(string)
    at = min(max(operator_index(pos), 0), size)
    end = size if endpos is None else min(max(operator_index(endpos), 0), size)
    return at, end


def operator_index(value: Any) -> int:
    """`count`/`maxsplit` as `re` takes them: an int (Python's `TypeError` otherwise)."""
    value = plain_value(value)
    if not hasattr(type(value), "__index__"):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return value.__index__()  # type: ignore[no-any-return]


def _template(repl: str, pattern: re.Pattern[str]) -> list[str | int]:
    """A replacement template as literal text and group numbers, parsed by Python (its
    `re.error` for `\\g<9>`, a bad escape, ...)."""
    parsed = _parser.parse_template(repl, pattern)
    if isinstance(parsed, tuple):  # Python 3.11: (groups, literals with holes)
        groups, literals = parsed
        parts: list[str | int | None] = list(literals)
        for index, group in groups:
            parts[index] = group
        return [p for p in parts if p is not None and p != ""]
    return [p if i % 2 == 0 else int(p) for i, p in enumerate(parsed) if p != ""]


def _texts(result: Any) -> list[str]:
    if isinstance(result, str):
        return [result]
    values = result.values() if isinstance(result, dict) else result
    if isinstance(values, tuple | list) or hasattr(values, "__iter__"):
        return [x for x in values if isinstance(x, str)]
    return []


MATCH_AND_PATTERN_METHODS = MATCH_METHODS | PATTERN_METHODS
