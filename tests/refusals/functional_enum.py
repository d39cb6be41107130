from enum import Enum, IntEnum

from waymark import Workflow, workflow

Level = Enum("Level", "LOW MID HIGH")
Kind = Enum("Kind", ["A", "B"])
Code = IntEnum("Code", {"OK": 200, "BAD": 400})


@workflow
class UsesLevel(Workflow):
    async def run(self, name: str) -> list[object]:
        return [
            Level[name].value,  # error: WM122 @13
            Kind.B.name,  # error: WM122 @13
            Code.OK == 200,  # error: WM122 @13
        ]
