"""Module-level tables built by comprehensions over constants and enum members: an enum's
rank, an inverted lookup, filtered and nested tables, read by a workflow as Python reads them."""

from __future__ import annotations

from enum import Enum, IntEnum, auto

from waymark import Workflow, action, workflow


class Stage(Enum):
    DRAFT = "draft"
    REVIEW = "review"
    LIVE = "live"
    ARCHIVED = "archived"
    RETIRED = "archived"  # an alias: iterating the class skips it


class Level(IntEnum):
    LOW = auto()
    MID = auto()
    HIGH = auto()


CODES = {"DE": "Germany", "FR": "France", "IT": "Italy"}
RANK = {stage: i for i, stage in enumerate(Stage, start=1)}
BY_VALUE = {stage.value: stage for stage in Stage}
NAMES = [level.name.lower() for level in Level if level.value > 1]
COUNTRY_CODE = {name: code for code, name in CODES.items()}
EVENS = {n * n for n in range(10) if n % 2 == 0}
GRID = [(row, col) for row in "ab" for col in range(1, 3)]
WEIGHTS = {level: [round(level.value / n, 2) for n in (1, 2, 3)] for level in Level}
SORTED_CODES = [c.lower() for c in sorted(CODES, reverse=True)]
region = "eu"
REGIONS = [region.upper() for region in ("us", "apac")]  # the comprehension's own `region`


@action
async def stage_of(item: str) -> str:
    return {"a": "review", "b": "archived"}.get(item, "draft")


@workflow
class FoldedTables(Workflow):
    async def run(self, item: str, country: str = "France", n: int = 4) -> dict[str, object]:
        stage = BY_VALUE[await stage_of(item)]
        later = sorted((s for s in RANK if RANK[s] > RANK[stage]), key=lambda s: RANK[s])
        return {
            "stage": stage.name,
            "rank": RANK[stage],
            "later": [s.value for s in later],
            "names": NAMES,
            "code": COUNTRY_CODE.get(country, "??"),
            "square": n * n in EVENS,
            "grid": GRID,
            "weights": {lvl.name: w for lvl, w in WEIGHTS.items()},
            "codes": SORTED_CODES,
            "retired": RANK[Stage.RETIRED],
            "regions": [*REGIONS, region.upper()],
        }
