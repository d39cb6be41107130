"""Function values bound at module level: `functools.partial` constants of an action and of a
plain function (awaited, called, gathered, passed along, read for `.func`, `.args` and
`.keywords`), here and imported, and tables of functions imported from another module (dict
and list, by name and through the module)."""

from __future__ import annotations

import asyncio
from functools import partial

from tests.parity.cases import shared_tables
from tests.parity.cases.shared_tables import ACTIONS, FORMATS, TRIPLE, scale, to_csv
from waymark import Workflow, workflow

DOUBLE = partial(scale, factor=2, offset=1)
PIPES = partial(to_csv, sep="|")


def apply(function: object, rows: list[str]) -> object:
    return function(rows)


@workflow
class ModulePartials(Workflow):
    async def run(self, value: int, rows: list[str]) -> list[object]:
        gathered = await asyncio.gather(TRIPLE(value), DOUBLE(value), shared_tables.TRIPLE(1))
        spread = await asyncio.gather(*[DOUBLE(v) for v in range(value)])
        return [
            await TRIPLE(value),
            await DOUBLE(value, factor=5),
            gathered,
            spread,
            PIPES(rows),
            shared_tables.SEMICOLONS(rows),
            apply(PIPES, rows),
            [DOUBLE.func == scale, DOUBLE.args, DOUBLE.keywords, PIPES.keywords],
            await partial(TRIPLE, offset=value)(2),
        ]


@workflow
class ImportedTables(Workflow):
    async def run(self, kind: str, rows: list[str]) -> list[object]:
        render = FORMATS.get(kind, to_csv)
        scaled = await ACTIONS["scale"](len(rows))
        steps = [step(rows) for step in shared_tables.STEPS]
        every = [FORMATS[name](rows) for name in sorted(FORMATS)]
        return [render(rows), scaled, steps, every, shared_tables.FORMATS["csv"](rows)]
