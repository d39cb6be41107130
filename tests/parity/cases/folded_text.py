"""Module-level constants computed when compiling from text functions and string methods:
`Template` constants (one string or several written side by side), `"a b".split()` tables,
`textwrap.dedent`/`indent`/`fill`/`shorten` and `string.capwords` of literals."""

from __future__ import annotations

import textwrap
from string import Template, capwords
from textwrap import dedent, indent

from waymark import Workflow, action, workflow

GREETING = Template("Hi ${name}, your order $order shipped")
PLAIN = Template("$who owes $$${amount}")
UNITS = ["zero", "one", "two", "three", "four", "five"]
HEADERS = ["id", "name", "total"]
LINES = """first
second""".splitlines()
QUERY = dedent(
    """\
    select id, total
      from orders
     where status = 'open'
    """
)
QUOTED = indent(QUERY, "> ")
TITLE = capwords("weekly   sales report")
BLURB = textwrap.fill("word " * 20, width=24)
SHORT = textwrap.shorten("The quick brown fox jumps over the lazy dog", width=20)


@action
async def order_for(name: str) -> str:
    return f"A-{len(name)}"


@workflow
class FoldedText(Workflow):
    async def run(self, name: str, amount: int = 3) -> dict[str, object]:
        order = await order_for(name)
        units = UNITS
        mine = list(UNITS)
        mine.append("six")
        return {
            "greeting": GREETING.substitute(name=name, order=order),
            "plain": PLAIN.safe_substitute(who=name, amount=amount),
            "identifiers": GREETING.get_identifiers(),
            "unit": units[amount % len(units)],
            "mine": mine,
            "units": UNITS,
            "headers": dict(zip(HEADERS, [1, name, amount], strict=True)),
            "lines": LINES,
            "query": QUERY.splitlines(),
            "quoted": QUOTED,
            "title": TITLE,
            "blurb": BLURB.splitlines(),
            "short": SHORT,
        }
