"""`re` in a workflow: matching, searching, substituting and splitting text with Python's
results and errors, a match kept across an await, a module-level compiled pattern, flags."""

from __future__ import annotations

import asyncio
import re

from waymark import Workflow, action, workflow

INVOICE = re.compile(r"^INV-(?P<number>\d+)(?:-(?P<suffix>[a-z]+))?$", re.IGNORECASE)
WORDS = re.compile(r"\w+")


@action
async def lookup(number: int) -> str:
    return f"invoice {number}"


@workflow
class InvoiceRefs(Workflow):
    """A match survives an await; groups by number and name, spans, `groupdict`."""

    async def run(self, ref: str) -> list[object]:
        m = INVOICE.match(ref)
        if m is None:
            return ["no match", ref]
        found = await lookup(int(m.group(1)))
        return [
            found,
            m.group(),
            m.group(0, "number"),
            m["suffix"],
            m.groups(),
            m.groups("-"),
            m.groupdict(),
            m.groupdict(""),
            m.start(1),
            m.end("number"),
            m.span(),
            m.span("suffix"),
            m.lastindex,
            m.lastgroup,
            m.string,
            m.re.pattern,
            m.re.flags,
            m.re.groups,
            dict(m.re.groupindex),
            repr(m),
            str(m),
            bool(m),
        ]


@workflow
class TextWork(Workflow):
    """`sub`, `subn`, `findall`, `split`, `fullmatch`, `search`, `escape` and flags."""

    async def run(self, text: str) -> list[object]:
        clean = re.sub(r"\s+", " ", text).strip()
        await asyncio.sleep(0)
        if (m := re.search(r"(\d+)\s*(kg|g)\b", text, re.I)) is not None:
            weight = (int(m.group(1)), m.group(2).lower())
        else:
            weight = None
        return [
            clean,
            re.subn(r"(?P<w>[aeiou])", r"<\g<w>>", text, count=3),
            re.sub(r"(\w+)@(\w+)", r"\2 at \1", text),
            re.findall(r"\d+", text),
            re.findall(r"(\w)(\d)", text),
            re.findall(r"(x)|y", text),
            re.split(r"[,;]\s*", text),
            re.split(r"(,)", text, maxsplit=1),
            re.split(r"\b", text)[:6],
            re.fullmatch(r"[\w\s,;@.]+", text) is not None,
            weight,
            re.escape(text),
            WORDS.findall(text.upper())[:4],
            re.findall(r"^\w", text, re.MULTILINE),
            re.findall(r"(?i)é|ss", text),
            re.sub("", "-", text[:4]),
            re.sub(r"x*", "-", "abxd"),
            re.findall(r".", "a\nb", re.DOTALL),
        ]


@workflow
class RegexErrors(Workflow):
    """Python's own errors: a bad pattern, no match, a group that does not exist, wrong types."""

    async def run(self, case: str) -> str:
        try:
            if case == "pattern":
                re.compile(r"(unclosed")
            elif case == "none":
                re.match(r"\d+", "abc").group(0)  # type: ignore[union-attr]
            elif case == "group":
                re.match(r"(a)", "a").group(2)  # type: ignore[union-attr]
            elif case == "name":
                re.match(r"(a)", "a").group("missing")  # type: ignore[union-attr]
            elif case == "template":
                re.sub(r"(a)", r"\2", "a")
            elif case == "string":
                re.match(r"a", 5)  # type: ignore[call-overload]
            elif case == "flags":
                re.match(INVOICE, "x", re.I)
            elif case == "attribute":
                return str(re.match(r"a", "a").missing)  # type: ignore[union-attr]
        except re.error as error:
            return f"re.error: {error} ({error.pos})"
        except (AttributeError, IndexError, TypeError, ValueError) as error:
            return f"{type(error).__name__}: {error}"
        return "no error"


@workflow
class UnicodeClasses(Workflow):
    """`\\w`, `\\d`, `\\s` and case-insensitive matching mean what they mean in `re`."""

    async def run(self, text: str) -> list[object]:
        return [
            re.findall(r"\w+", text),
            re.findall(r"\d", text),
            re.findall(r"\s", text),
            re.findall(r"(?i)[a-z]+", text),
            re.findall(r"(?a)\w+", text),
            re.findall(r"\bk\w*", text, re.I),
        ]
