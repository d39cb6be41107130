"""Progress printed as it goes: `print(..., end="")` pieces joined with the next print across
awaits (so across steps, and across a resume), `sep=`, text with newlines in it, blank lines,
and a line left unfinished when `run()` returns or raises."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def load_batch(name: str, size: int) -> list[int]:
    return [len(name) * i for i in range(size)]


@workflow
class ProgressPrints(Workflow):
    async def run(self, names: list[str], fail_at: int = -1) -> int:
        print("loading", len(names), "batches", end=": ")
        total = 0
        for index, name in enumerate(names):
            batch = await load_batch(name, index + 2)
            print(name, end="")
            print("", len(batch), sep="=", end=" ")
            if index == fail_at:
                raise RuntimeError(f"batch {name} failed")
            total += sum(batch)
        print("|")
        print("summary\n-------", "total", total, sep="\n")
        print()
        print("100%", "done", sep=" %s ", end="\n\n")
        print("left", "open", end="")
        return total
