"""`collections.ChainMap`: layered settings over an action's result, built in the workflow and
held across awaits as one object over the workflow's own dicts (a change to a layer shows
through it, a write goes to the first layer); lookup, `get`, `in`, `len`, iteration order,
`new_child`, `parents`, `maps`, `dict(...)`, `**` unpacking, `pop`, equality, `repr`, Python's
`KeyError`s; passed to and returned by an action; a loop over a chain that awaits, and its
`items()` view held across an await (it shows later changes, as in Python)."""

from __future__ import annotations

import collections
from collections import ChainMap

from waymark import Workflow, action, workflow


@action
async def defaults(region: str) -> dict[str, object]:
    return {"region": region, "retries": 3, "timeout": 30}


@action
async def echo(value: object) -> object:
    return value


@workflow
class LayeredSettings(Workflow):
    async def run(self, region: str, retries: int | None) -> list[object]:
        base = await defaults(region)
        overrides: dict[str, object] = {} if retries is None else {"retries": retries}
        settings = ChainMap(overrides, base)
        request = settings.new_child({"timeout": 5})
        same = settings
        await defaults("pause")
        overrides["tag"] = "late"
        same["mode"] = "fast"
        out: list[object] = [
            settings["retries"],
            settings.get("missing", "none"),
            settings.get("tag"),
            "region" in settings,
            "timeout" in request,
            len(request),
            list(request),
            sorted(settings.items()),
            dict(request),
            {**settings},
            request.parents == settings,
            request.parents.maps == settings.maps,
            len(request.maps),
            request.maps[0],
            settings.maps[0],
            type(settings).__name__,
            isinstance(request, collections.ChainMap),
            repr(ChainMap({"a": 1}, {"b": 2})),
            ChainMap().maps,
            settings.new_child().maps[0],
        ]
        returned = await echo(request)
        out.append(returned == request)
        out.append(await echo(dict(settings)))
        out.append(settings.pop("mode"))
        for key in ("nowhere", "region"):
            try:
                del settings[key]
            except KeyError as error:
                out.append(f"KeyError: {error}")
        try:
            out.append(request["nowhere"])
        except KeyError as error:
            out.append(f"KeyError: {error}")
        return out


@workflow
class ChainLoop(Workflow):
    async def run(self, region: str) -> list[object]:
        base = await defaults(region)
        local = {"timeout": 1}
        settings = ChainMap(local, base)
        seen = []
        for key in settings:
            seen.append((key, await echo(settings[key])))
        view = settings.items()
        keys = settings.keys()
        await echo("pause")
        base["extra"] = True
        child = settings.new_child()
        child["timeout"] = 9
        await echo("again")
        return [
            seen,
            sorted(view),
            sorted(keys),
            len(view),
            child,
            settings | {"q": 1},
            settings.copy(),
        ]
