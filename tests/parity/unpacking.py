"""Hypothesis strategies for displays and calls that mix unpacked (`*xs`, `**d`) and plain
items: list, tuple, set and dict displays, and calls of pure builtins (`dict(*pairs, k=1, **d)` included).

Every generated expression is valid Python; some raise (duplicate keywords, too many arguments),
which is part of what the parity check compares.
"""

from __future__ import annotations

from hypothesis import strategies as st

HEADER = """\
from waymark import Workflow, workflow

from tests.parity.generated_support import echo


@workflow
class Generated(Workflow):
    async def run(self, a: int, b: int) -> object:
        xs = await echo([a, b, 3])
        ys = [b] * (a % 3)
        d = {"k": a, "m": b}
        e = await echo({"n": b, "k": 1})
        out = []
"""
FOOTER = "        return out\n"

PLAIN = ("a", "b", '"c"', "a + 1", "None", "(a, b)")
STARRED = ("*xs", "*ys", "*range(a % 3)", '*"pq"', "*d", "*(a, b)")
MAPPINGS = ("**d", "**e", '**{"z": a}', "**{}")
KEYS = ('"k"', '"m"', '"n"', "a", "b % 2")


def _items(plain: tuple[str, ...], starred: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(plain) | st.sampled_from(starred), min_size=1, max_size=5)


@st.composite
def display(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["list", "tuple", "set", "dict"]))
    if kind == "dict":
        pairs = st.tuples(st.sampled_from(KEYS), st.sampled_from(PLAIN)).map(": ".join)
        parts = draw(st.lists(pairs | st.sampled_from(MAPPINGS), min_size=1, max_size=5))
        return "{" + ", ".join(parts) + "}"
    items = ", ".join(draw(_items(PLAIN, STARRED)))
    if kind == "set":
        return "{" + items + "}"
    return f"[{items}]" if kind == "list" else f"({items},)"


@st.composite
def call(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["max", "min", "dict", "pairs", "zip"]))
    numbers = ("a", "b", "a + 1", "len(xs)")
    number_stars = ("*xs", "*ys", "*range(a % 3)", "*(a, b)")
    positional = draw(_items(numbers, number_stars))
    if kind in ("max", "min"):
        default = draw(st.sampled_from(["", ", default=b"]))
        return f"{kind}({', '.join(positional)}{default})"
    keywords = ["k=1", "m=b", "**d", "**e", '**{"q": a}']
    named = draw(st.lists(st.sampled_from(keywords), unique=True))
    if kind == "dict":
        return f"dict({', '.join(named) or 'x=a'})"
    if kind == "pairs":
        pairs = draw(st.sampled_from(["*[[('p', a)]]", "*[d]", "*[]", "[(a, b)], *[e]"]))
        return f"dict({', '.join([pairs, *named])})"
    return f"list(zip({', '.join(s for s in positional if s.startswith('*')) or '*[xs]'}))"


@st.composite
def unpacking_programs(draw: st.DrawFn) -> str:
    """The source of a module defining `Generated(a: int, b: int)` built of such expressions."""
    expressions = draw(st.lists(display() | call(), min_size=1, max_size=4))
    lines = []
    for expression in expressions:
        lines += ["        try:", f"            out.append({expression})"]
        for caught in ("TypeError", "ValueError", "Exception"):
            lines += [
                f"        except {caught} as error:",
                f'            out.append(("{caught}", str(error)))',
            ]
    return HEADER + "\n".join(lines) + "\n" + FOOTER
