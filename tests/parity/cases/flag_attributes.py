"""A missing attribute of an `IntFlag` combination: `AttributeError`, `hasattr` False."""

from __future__ import annotations

from enum import IntFlag

from waymark import Workflow, action, workflow


class Perm(IntFlag):
    READ = 4
    WRITE = 2


@action
async def granted(user: str) -> list[str]:
    return ["READ", "WRITE"]


@workflow
class Permissions(Workflow):
    async def run(self, user: str) -> list:
        names = await granted(user)
        perms = Perm(0)
        for n in names:
            perms = perms | Perm[n]
        out = [hasattr(perms, "expires")]
        try:
            out.append(perms.expires)
        except AttributeError:
            out.append("no-attr")
        out.append(perms.name)
        return out
