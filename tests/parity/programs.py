"""Hypothesis strategies for Python source of workflows made of pure code and control flow.

Programs are valid by construction: every name is bound before use, loops are bounded, numbers
stay small enough to compute quickly. Expressions hold `await echo(...)` wherever an await is
evaluated by the function itself (not in comprehension bodies or case guards, which are
refused). They may raise (division by zero, bad indexes), which is
part of what the parity check compares.
"""

from __future__ import annotations

from hypothesis import strategies as st

VARIABLES = ("v0", "v1", "v2", "v3")
HEADER = """\
import asyncio

from waymark import Workflow, workflow

from tests.parity.generated_support import Box, echo


@workflow
class Generated(Workflow):
    async def run(self, a: int, b: int) -> object:
        v0 = a
        v1 = b
        v2 = 0
        v3 = 1
        acc = []
        table = {}
        text = ""
        box = Box()
        alias = box
"""
FOOTER = "        return [v0, v1, v2, v3, acc, table, text, alias.n]\n"


@st.composite
def int_expr(
    draw: st.DrawFn, depth: int = 2, loops: tuple[str, ...] = (), awaits: bool = True
) -> str:
    atoms = [*VARIABLES, *loops, "len(acc)"]
    if depth <= 0:
        return draw(st.one_of(st.sampled_from(atoms), st.integers(-3, 9).map(str)))
    sub = int_expr(depth - 1, loops, awaits)
    inner = int_expr(depth - 1, loops, awaits=False)  # inside a comprehension's own scope
    choice = draw(st.integers(0, 10 if awaits else 9))
    if choice == 10:
        return f"(await echo({draw(sub)}))"
    if choice <= 2:
        return draw(sub)
    if choice == 3:
        op = draw(st.sampled_from(["+", "-", "//", "%"]))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 4:
        return f"({draw(sub)} * {draw(st.integers(-2, 3))})"
    if choice == 5:
        fn = draw(st.sampled_from(["abs", "min", "max"]))
        args = draw(sub) if fn == "abs" else f"{draw(sub)}, {draw(sub)}"
        return f"{fn}({args})"
    if choice == 6:
        return f"({draw(sub)} if {draw(condition(depth - 1, loops, awaits))} else {draw(sub)})"
    if choice == 7:
        n = draw(st.integers(0, 4))
        return f"sum(x * {draw(st.integers(1, 3))} for x in range({n}) if x != {draw(inner)})"
    if choice == 8:
        return draw(st.sampled_from([
            f"len([x for x in acc if x > {draw(inner)}])",
            f"table.get({draw(sub)} % 4, {draw(sub)})",
            f"sum(sorted(acc)[{draw(sub)} % 3 :])",
            "len({x % 3: x for x in acc})",
            f"sum(sorted(acc, key=lambda x: x % {draw(st.integers(2, 4))}, reverse=True)[:2])",
            "max([*acc, v0], key=abs)",
            "min(v1, v2, v3, key=lambda x: (x % 2, -x))",
        ]))  # fmt: skip
    return f"(acc[{draw(sub)}] if acc else 0)"


@st.composite
def condition(
    draw: st.DrawFn, depth: int = 1, loops: tuple[str, ...] = (), awaits: bool = True
) -> str:
    sub = int_expr(max(depth - 1, 0), loops, awaits)
    choice = draw(st.integers(0, 5))
    cmp = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
    if choice <= 2:
        return f"{draw(sub)} {draw(cmp)} {draw(sub)}"
    if choice == 3:
        return f"{draw(sub)} {draw(cmp)} {draw(sub)} {draw(cmp)} {draw(sub)}"
    if choice == 4:
        op = draw(st.sampled_from(["and", "or"]))
        left, right = (draw(condition(depth - 1, loops, awaits)) for _ in range(2))
        return f"({left} {op} not {right})"
    return f"{draw(sub)} in acc"


@st.composite
def block(draw: st.DrawFn, indent: int, depth: int, loops: tuple[str, ...]) -> list[str]:
    count = draw(st.integers(1, 3))
    lines: list[str] = []
    for _ in range(count):
        lines.extend(draw(statement(indent, depth, loops)))
    return lines


@st.composite
def statement(draw: st.DrawFn, indent: int, depth: int, loops: tuple[str, ...]) -> list[str]:
    pad = " " * indent
    expr = int_expr(2, loops)
    kinds = ["assign", "aug", "append", "await", "fstring", "raise_if", "table", "reshape"]
    kinds += ["delete", "rebind", "item_aug", "attribute", "percent", "assert"]
    if depth > 0:
        kinds += ["if", "for", "while", "try", "match"]
    if loops:
        kinds += ["break", "continue"]
    kind = draw(st.sampled_from(kinds))
    var = draw(st.sampled_from(VARIABLES))
    if kind == "assign":
        return [f"{pad}{var} = {draw(expr)}"]
    if kind == "aug":
        return [f"{pad}{var} {draw(st.sampled_from(['+=', '-=']))} {draw(expr)}"]
    if kind == "append":
        return [f"{pad}acc.append({draw(expr)})"]
    if kind == "await":
        return [f"{pad}{var} = await echo({draw(expr)})"]
    if kind == "fstring":
        spec = draw(st.sampled_from(["", ":>4", ":+d", ":03d", "!r"]))
        return [f'{pad}text += f"[{{{var}{spec}}}]"']
    if kind == "table":
        return [f"{pad}table[{draw(expr)} % 4] = {draw(expr)}"]
    if kind == "delete":  # a missing key or index raises, as in CPython
        if draw(st.booleans()):
            return [f"{pad}del table[{draw(expr)} % 4]"]
        return [f"{pad}del acc[{draw(st.sampled_from([f'{draw(expr)} % 4', '1:3', '::2']))}]"]
    if kind == "rebind":  # a read of the deleted name before it is bound again raises
        return [f"{pad}del {var}", f"{pad}{var} = {draw(expr)}"]
    if kind == "item_aug":
        return [f"{pad}if acc:", f"{pad}    acc[{draw(expr)} % len(acc)] += {draw(expr)}"]
    if kind == "attribute":
        op = draw(st.sampled_from(["=", "+=", "-="]))
        return [f"{pad}{draw(st.sampled_from(['box', 'alias']))}.n {op} {draw(expr)}"]
    if kind == "percent":
        template = draw(st.sampled_from(["%d|", "%+05d;", "%s-%r ", "%(k)x."]))
        if template == "%s-%r ":
            return [f'{pad}text += "{template}" % ({var}, {draw(expr)})']
        if template == "%(k)x.":
            return [f'{pad}text += "{template}" % {{"k": {draw(expr)}}}']
        return [f'{pad}text += "{template}" % {draw(expr)}']
    if kind == "assert":
        message = draw(st.sampled_from(["", f", {var}", f", f'v={{{var}}}'"]))
        return [f"{pad}assert {draw(condition(1, loops))}{message}"]
    if kind == "reshape":
        return [
            f"{pad}acc = {draw(st.sampled_from(['acc[::2]', 'sorted(acc)', 'acc[1:] + acc[:1]', 'list(reversed(acc))']))}"
        ]
    if kind == "match":
        return _match(draw, pad, indent + 4, depth, loops)
    if kind == "raise_if":
        return [f"{pad}if {draw(condition(1, loops))}:", f"{pad}    raise ValueError({var})"]
    if kind in ("break", "continue"):
        return [f"{pad}if {draw(condition(1, loops))}:", f"{pad}    {kind}"]
    inner = indent + 4
    if kind == "if":
        lines = [f"{pad}if {draw(condition(1, loops))}:", *draw(block(inner, depth - 1, loops))]
        if draw(st.booleans()):
            lines += [f"{pad}else:", *draw(block(inner, depth - 1, loops))]
        return lines
    if kind == "for":
        name = f"i{depth}"
        header = f"{pad}for {name} in range({draw(st.integers(0, 4))}):"
        return [header, *draw(block(inner, depth - 1, (*loops, name)))]
    if kind == "while":
        name = f"w{depth}"
        head = [
            f"{pad}{name} = 0",
            f"{pad}while {name} < {draw(st.integers(0, 4))}:",
            f"{' ' * inner}{name} += 1",
        ]
        return [*head, *draw(block(inner, depth - 1, (*loops, name)))]
    handler = draw(st.sampled_from(["ZeroDivisionError", "(ValueError, IndexError)", "Exception"]))
    return [
        f"{pad}try:",
        *draw(block(inner, depth - 1, loops)),
        f"{pad}except {handler} as error:",
        f"{' ' * inner}text += str(error)[:12]",
        *draw(block(inner, depth - 1, loops)),
    ]


@st.composite
def programs(draw: st.DrawFn) -> str:
    """The source of a module defining the workflow `Generated(a: int, b: int)`."""
    body = draw(block(8, 2, ()))
    return HEADER + "\n".join(body) + "\n" + FOOTER


def _match(draw: st.DrawFn, pad: str, inner: int, depth: int, loops: tuple[str, ...]) -> list[str]:
    case = " " * inner
    lines = [f"{pad}match {draw(int_expr(1, loops))} % 4:"]
    lines += [f"{case}case 0:", *draw(block(inner + 4, depth - 1, loops))]
    lines += [
        f"{case}case 1 | 2 if {draw(condition(1, loops, awaits=False))}:",
        *draw(block(inner + 4, depth - 1, loops)),
    ]
    lines += [f"{case}case other:", f"{case}    text += str(other)"]
    return lines
