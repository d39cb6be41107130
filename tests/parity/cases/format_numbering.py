"""`"{} {1}".format(...)`: Python's words for the numbering switch."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def load_template(name: str) -> str:
    return "Invoice {} for {1}"


@workflow
class NumberingSwitch(Workflow):
    async def run(self, customer: str) -> list:
        template = await load_template("invoice")
        out = []
        for t in [template, "{0} {}"]:
            try:
                out.append(t.format("A-1", customer))
            except ValueError as e:
                out.append(str(e))
        return out
