from dataclasses import dataclass

from waymark import Workflow, workflow


@dataclass
class Point:
    x: int
    y: int


@workflow
class MatchStructuresWorkflow(Workflow):
    async def run(self, value: object) -> object:
        match value:
            case []:
                return "empty"
            case [x]:
                return x
            case [first, *_]:
                return first
            case (a, b, *rest):
                return rest
            case {"kind": "user", "id": user_id, **others}:
                return [user_id, others]
            case {"kind": _}:
                return "kind"
            case Point(x=0, y=0):
                return "origin"
            case Point(x, y) if x == y:
                return "diagonal"
            case int(n) | float(n):
                return n
            case [Point() as p, *tail] as whole:
                return [p, tail, whole]
            case _:
                return None
