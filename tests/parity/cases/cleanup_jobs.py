"""A nightly cleanup that ignores what is already gone: `with contextlib.suppress(NotFound):`
around each deletion (an action's exception and a lookup's), as cleanup code is written."""

from __future__ import annotations

import contextlib
from contextlib import suppress

from waymark import Workflow, action, workflow


class NotFound(Exception):
    pass


class Locked(NotFound):
    pass


@action
async def delete_bucket(name: str) -> str:
    if name.startswith("gone"):
        raise NotFound(f"no bucket {name}")
    if name.startswith("locked"):
        raise Locked(f"{name} is locked")
    if name.startswith("bad"):
        raise PermissionError(name)
    return name


@workflow
class Cleanup(Workflow):
    async def run(self, buckets: list[str], owners: dict[str, str]) -> dict[str, object]:
        deleted: list[str] = []
        notified: list[str] = []
        for bucket in buckets:
            with suppress(NotFound, KeyError):
                deleted.append(await delete_bucket(bucket))
                notified.append(owners[bucket])
                continue
            notified.append(f"skipped {bucket}")
        errors: list[str] = []
        try:
            with contextlib.suppress(KeyError):
                await delete_bucket("bad-" + buckets[0])
        except (PermissionError, IndexError) as error:
            errors.append(f"{type(error).__name__}: {error}")
        return {"deleted": deleted, "notified": notified, "errors": errors}
