"""`re.finditer` and a pattern's `finditer` (an iterator of matches, held across awaits),
`pos`/`endpos` of a pattern's methods (clamped as `re` clamps them), and a function — a lambda,
a helper, a helper method — as the replacement of `re.sub`/`re.subn` and of a compiled
pattern's own `sub`/`subn`, with `re`'s errors."""

from __future__ import annotations

import re

from waymark import Workflow, action, workflow

NUMBER = re.compile(r"(?P<digits>\d+)(?P<unit>[a-z]*)")


@action
async def echo(text: str) -> str:
    return text


def shout(m: re.Match[str]) -> str:
    return m.group(0).upper() + "!"


@workflow
class RegexIterators(Workflow):
    async def run(self, text: str) -> list[object]:
        text = await echo(text)
        spans = [m.span() for m in re.finditer(r"\d+", text)]
        held = NUMBER.finditer(text, 2)
        first = next(held, None)
        await echo("pause")
        rest = [(m.group("digits"), m.group("unit"), m.pos, m.start()) for m in held]
        words = re.finditer(r"(\w)(\w*)", text, re.IGNORECASE)
        collected = []
        async_words = 0
        for word in words:
            collected.append(word.group(1))
            async_words += len(await echo(word.group(2)))
        return [
            spans,
            None if first is None else first.groups(),
            rest,
            collected,
            async_words,
            repr(NUMBER.match(text, 3, 7)),
            repr(NUMBER.search(text, -5)),
            repr(NUMBER.search(text, 4, 2)),
            repr(NUMBER.fullmatch(text, 0, 2)),
            NUMBER.findall(text, 1, 100),
            [m.endpos for m in NUMBER.finditer(text, endpos=5)],
            repr(re.compile("^a").search("ba", 1)),
            repr(re.compile("a$").search("bab", 0, 2)),
            re.compile("").findall(text, 3, 1),
        ]


@workflow
class FunctionReplacements(Workflow):
    async def run(self, text: str) -> list[object]:
        text = await echo(text)
        scale = 3
        seen: list[str] = []
        tripled = re.sub(r"\d+", lambda m: str(int(m.group()) * scale), text)
        await echo(tripled)
        return [
            tripled,
            re.subn(r"[a-z]+", shout, text, count=2),
            re.sub(r"(?P<w>\w)", repl=self.wrap, string=text, flags=re.I),
            re.sub("x*", lambda m: "-", "abxd"),
            re.sub(r"\d", lambda m: None, text),
            re.sub(r"\d", lambda m: seen.append(m.group()) or "#", text),
            seen,
            re.subn("q", lambda m: 1 / 0, text),
            NUMBER.sub(lambda m: m["unit"] + str(int(m["digits"]) * scale), text),
            NUMBER.subn(shout, text, 1),
            re.compile(r"(?P<w>[a-z])").subn(repl=self.wrap, string=text, count=3),
        ]

    def wrap(self, m: re.Match[str]) -> str:
        return f"<{m.group('w')}>" if m.start() % 2 else m.group("w")


@workflow
class ReplacementErrors(Workflow):
    async def run(self, case: str) -> object:
        text = await echo("a1b22c")
        try:
            if case == "number":
                return re.sub(r"\d", lambda m: len(m.group()), text)
            if case == "bytes":
                return re.sub(r"\d", lambda m: m.group().encode(), text)
            if case == "raises":
                return re.sub(r"\d+", lambda m: str(int(m.group()) // (len(m.group()) - 1)), text)
            if case == "receiver":
                return text.sub(lambda m: "#", text)  # type: ignore[attr-defined]
            if case == "own":
                return NUMBER.sub(lambda m: m.end(), text)
            return re.sub(r"\d", lambda m: m.group(1), text)
        except (TypeError, ZeroDivisionError, IndexError, AttributeError) as error:
            return f"{type(error).__name__}: {error}"
