"""`str.format` where the compiler cannot write an f-string — a template from an action or a
variable, `*args`, computed arguments, `format_map` — formats as Python does, errors included."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow

TEMPLATE = "{name}: {total:,.2f} ({count} items)"


@dataclass
class Line:
    sku: str
    qty: int


@action
async def template_for(kind: str) -> str:
    return {"short": "{0.sku} x{0.qty}", "long": "{line.sku:>8}|{line.qty:03d}|{extra!r}"}[kind]


@workflow
class Formats(Workflow):
    async def run(self, kind: str) -> list[str]:
        template = await template_for(kind)
        parts = ["a", "b"]
        line = Line("tea", 2)
        out = [
            "{:,}".format(10**9),  # noqa: UP032 (str.format is what is tried)
            "{}-{}".format(*parts),
            "{0}{1}{0}".format("x", len(parts)),
            TEMPLATE.format(name="acme", total=1234.5, count=len(parts)),
            "{k[a]}".format(k={"a": 1}),
            "{:>{}}".format("x", 3 + 1),
            "{name}".format_map({"name": "m"}),
        ]
        if kind == "short":
            out.append(template.format(line))
        else:
            out.append(template.format(line=line, extra="q"))
        for bad in ("{}", "{0} {}", "{x}", "{:d}", "{0[5]}", "{", "{!z}", "{0}{1}"):
            try:
                out.append(bad.format("s"))
            except (ValueError, KeyError, IndexError) as error:
                out.append(f"{type(error).__name__}: {error}")
        return out
