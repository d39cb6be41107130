"""`min` and `max` with `key=functools.cmp_to_key(compare)`: the newest and oldest release by a
version comparison, the first of equal items kept (as CPython keeps its best), `default=` of no
releases, several items as arguments, the builtin's error for no items and a comparison's
error propagating."""

from __future__ import annotations

from functools import cmp_to_key

from waymark import Workflow, action, workflow


@action
async def list_releases(service: str) -> list[str]:
    catalog = {
        "billing": ["1.2.0", "1.10.1", "1.9.9", "0.9.0", "1.10.1"],
        "search": ["2.0", "2.0.0", "10.1"],
        "legacy": [],
        "broken": ["1.0", "beta"],
    }
    return catalog[service]


def compare_versions(a: str, b: str) -> int:
    left = [int(part) for part in a.split(".")]
    right = [int(part) for part in b.split(".")]
    return (left > right) - (left < right)


def by_length(a: str, b: str) -> int:
    return len(a) - len(b)


@workflow
class PickRelease(Workflow):
    async def run(self, service: str) -> dict[str, object]:
        releases = await list_releases(service)
        newest = max(releases, key=cmp_to_key(compare_versions), default="none")
        oldest = min(releases, key=cmp_to_key(compare_versions), default="none")
        shortest = min(releases, key=cmp_to_key(by_length), default=None)
        longest = max(releases, key=cmp_to_key(by_length), default=None)
        pinned = max("1.2", "1.10", "1.9", key=cmp_to_key(compare_versions))
        return {
            "newest": newest,
            "oldest": oldest,
            "shortest": shortest,
            "longest": longest,
            "pinned": pinned,
        }


@workflow
class RequireRelease(Workflow):
    async def run(self, service: str) -> str:
        releases = await list_releases(service)
        try:
            return max(releases, key=cmp_to_key(compare_versions))
        except ValueError as error:
            return f"no release: {error}"
