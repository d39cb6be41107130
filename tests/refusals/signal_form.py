from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Decision(BaseModel):
    approved: bool


@dataclass
class Point:
    x: int


@action
async def fetch(n: int) -> int:
    return n


@workflow
class Signalled(Workflow):
    async def run(self, name: str, days: int) -> list[object]:
        a = await self.wait_for_signal(name, Decision)  # error: WM171 @40
        b = await self.wait_for_signal(f"d-{name}", Decision)  # error: WM171 @40
        c = await self.wait_for_signal("c", fetch)  # error: WM171 @45
        d = await self.wait_for_signal("d")  # error: WM171 @19
        e = await self.wait_for_signal("e", Decision, retry=3)  # error: WM171 @55
        f = self.wait_for_signal("f", Decision)  # error: WM106 @13
        g = await self.wait_for_signal("g", dict[str, Point] | None, timeout=days * 3600)
        h = await self.wait_for_signal("h", Decision, timeout=timedelta(days=days))  # computed: runs
        i = await self.wait_for_signal("i", "Decision")  # error: WM171 @45
        j = 1 + await self.wait_for_signal("j", int, timeout=await fetch(60))
        k = await self.wait_for_signal("k", object)  # error: WM171 @45
        m = await self.wait_for_signal("m", list[object])  # error: WM171 @50
        return [a, b, c, d, e, f, g, h, i, j, k, m]
