from dataclasses import dataclass

from waymark import Workflow, workflow


@dataclass
class Ledger:
    rows: list[str]

    def flush(self, path: str) -> int:
        with open(path, "a") as out:  # error: WM112 @9
            out.write("\n".join(self.rows))
        return len(self.rows)


@workflow
class FlushLedger(Workflow):
    async def run(self, rows: list[str]) -> int:
        return Ledger(rows).flush("ledger.txt")
