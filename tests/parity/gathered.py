"""Hypothesis strategies for workflows gathering async helper methods (tasks): helpers that
await actions, sleep, append to a list the parent owns, call or gather other helpers, and raise,
gathered with actions and spreads, with or without `return_exceptions`.

Only what CPython and the durable runtime must agree on is returned: the results in argument
order, and the shared list sorted (the order of the tasks' appends depends on when actions
finish). Without `return_exceptions` every raise has one message, so which item fails first in
completion order does not matter.
"""

from __future__ import annotations

from hypothesis import strategies as st

HEADER = """\
import asyncio

from waymark import Workflow, workflow

from tests.parity.generated_support import echo


@workflow
class Generated(Workflow):
    async def run(self, a: int, b: int) -> object:
        acc = []
        results = await asyncio.gather(
"""
FOOTER = """\
        )
        shown = [f"error {r}" if isinstance(r, ValueError) else r for r in results]
        return [shown, sorted(acc)]
"""
ARGUMENTS = ("a", "b", "1", "2", "a + b")


@st.composite
def _helper_body(draw: st.DrawFn, *, calls_h0: bool, message: str) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 6 if calls_h0 else 4))
        if choice == 0:
            lines.append(f"x = x + await echo({draw(st.integers(-2, 5))})")
        elif choice == 1:
            lines.append("acc.append(x)")
        elif choice == 2:
            lines.append("await asyncio.sleep(0)")
        elif choice == 3:
            modulus = draw(st.integers(2, 5))
            lines += [f"if x % {modulus} == 0:", f"    raise ValueError({message})"]
        elif choice == 4:
            lines.append("x = await echo(x * 2) - x")
        elif choice == 5:
            lines.append("x = x + await self.h0(x + 1, acc)")
        else:
            lines += ["ys = await asyncio.gather(self.h0(x, acc), echo(x))", "x = x + sum(ys)"]
    return lines


@st.composite
def _item(draw: st.DrawFn) -> str:
    argument = draw(st.sampled_from(ARGUMENTS))
    helper = draw(st.sampled_from(("h0", "h1")))
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return f"self.{helper}({argument}, acc)"
    if choice == 1:
        return f"echo({argument})"
    return f"*[self.{helper}(i + {argument}, acc) for i in range({draw(st.integers(0, 3))})]"


@st.composite
def gathered_helper_programs(draw: st.DrawFn) -> str:
    return_exceptions = draw(st.booleans())
    message = '"bad {x}".format(x=x)' if return_exceptions else '"bad"'
    items = draw(st.lists(_item(), min_size=1, max_size=4))
    flag = ["return_exceptions=True"] if return_exceptions else []
    source = HEADER + "".join(f"            {item},\n" for item in [*items, *flag]) + FOOTER
    for name, calls_h0 in (("h0", False), ("h1", True)):
        body = draw(_helper_body(calls_h0=calls_h0, message=message))
        source += f"\n    async def {name}(self, x: int, acc: list[int]) -> int:\n"
        source += "".join(f"        {line}\n" for line in [*body, "return x"])
    return source
