"""Per-tenant pipeline settings: a base configuration an action returns is copied with
`copy.deepcopy` for each tenant and overridden, and steps are copied with `copy.copy`, so
changing a copy leaves the base alone (or not, for what a shallow copy shares), as in Python."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Mode(Enum):
    BATCH = "batch"
    STREAM = "stream"


@dataclass
class Step:
    name: str
    params: dict[str, Any] = field(default_factory=dict)


class Pipeline(BaseModel):
    name: str
    mode: Mode = Mode.BATCH
    steps: list[Step] = []
    limits: dict[str, int] = {}


@action
async def base_pipeline() -> Pipeline:
    return Pipeline(
        name="base",
        steps=[Step("extract", {"batch": 100}), Step("load", {"table": "events"})],
        limits={"rows": 1000},
    )


@action
async def deploy(pipeline: Pipeline) -> str:
    return f"{pipeline.name}:{len(pipeline.steps)}:{pipeline.limits['rows']}"


@workflow
class TenantPipelines(Workflow):
    async def run(self, tenants: dict[str, int]) -> dict[str, Any]:
        base = await base_pipeline()
        deployed: list[str] = []
        configs: list[Pipeline] = []
        for tenant, rows in sorted(tenants.items()):
            mine = copy.deepcopy(base)
            mine.name = f"{base.name}-{tenant}"
            mine.limits["rows"] = rows
            mine.steps[0].params["batch"] = max(10, rows // 10)
            if rows > 5000:
                mine.mode = Mode.STREAM
            configs.append(mine)
            deployed.append(await deploy(mine))
        loose = copy.copy(base)
        loose.steps.append(Step("audit"))
        first = copy.copy(base.steps[0])
        first.params["batch"] = 1
        return {
            "deployed": deployed,
            "base": base,
            "streaming": [c.name for c in configs if c.mode is Mode.STREAM],
            "first": first,
        }


class QuotaExceeded(Exception):
    def __init__(self, tenant: str, limit: int) -> None:
        super().__init__(f"{tenant} is over {limit}")
        self.limit = limit


class Throttled(Exception):
    def __init__(self, message: str, wait: int = 1) -> None:
        super().__init__(message)
        self.wait = wait


@action
async def admit(tenant: str) -> None:
    if tenant == "big":
        raise QuotaExceeded(tenant, 9000)
    raise Throttled(f"{tenant} throttled", wait=30)


@workflow
class CopiedErrors(Workflow):
    """Copying a caught exception calls its class with its args again, as Python does: a
    class whose `__init__` takes other arguments fails with Python's `TypeError`."""

    async def run(self, tenant: str) -> list[object]:
        try:
            await admit(tenant)
        except (QuotaExceeded, Throttled) as error:
            try:
                kept = copy.copy(error)
            except TypeError as failure:
                return ["not copied", str(failure)]
            kept.wait = 0
            return [str(kept), kept.wait, error.wait, copy.deepcopy(error).wait]
        return []
