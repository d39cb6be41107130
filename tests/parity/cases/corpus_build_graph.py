"""Monorepo build planner: package manifests are read, the dependency graph is ordered in
waves with Kahn's algorithm (a cycle reported with its path, found by a depth-first walk), the
packages a change touches are found by a breadth-first walk over reverse edges, and builds run
wave by wave, skipping packages whose dependencies failed. (A workflow cannot hold a
`graphlib.TopologicalSorter`, a class of the standard library: WM101.)"""

from __future__ import annotations

import asyncio
from collections import deque

from waymark import Workflow, action, workflow


class BuildFailed(Exception):
    def __init__(self, package: str, log: str) -> None:
        super().__init__(f"{package}: {log}")
        self.package = package


@action
async def manifests(repo: str) -> dict[str, list[str]]:
    repos = {
        "mono": {
            "core": [],
            "utils": ["core"],
            "db": ["core", "utils"],
            "api": ["db", "auth"],
            "auth": ["utils"],
            "web": ["api"],
            "cli": ["utils"],
            "docs": [],
        },
        "loop": {"a": ["b"], "b": ["c"], "c": ["a"], "d": []},
    }
    return repos[repo]


@action
async def build(package: str, broken: list[str]) -> str:
    if package in broken:
        raise BuildFailed(package, "compile error")
    return f"{package}.whl"


class CycleError(ValueError):
    pass


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph.get(node, [])):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (found := visit(dep)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def waves_of(graph: dict[str, list[str]]) -> list[list[str]]:
    cycle = find_cycle(graph)
    if cycle is not None:
        raise CycleError("nodes are in a cycle", cycle)
    indegree = {name: len(set(deps)) for name, deps in graph.items()}
    users: dict[str, list[str]] = {name: [] for name in graph}
    for name, deps in graph.items():
        for dep in set(deps):
            users[dep].append(name)
    ready = sorted(name for name, n in indegree.items() if n == 0)
    waves = []
    while ready:
        waves.append(ready)
        nxt = []
        for name in ready:
            for user in users[name]:
                indegree[user] -= 1
                if indegree[user] == 0:
                    nxt.append(user)
        ready = sorted(nxt)
    return waves


def dependents(graph: dict[str, list[str]], changed: list[str]) -> list[str]:
    reverse: dict[str, set[str]] = {name: set() for name in graph}
    for name, deps in graph.items():
        for dep in deps:
            reverse.setdefault(dep, set()).add(name)
    seen = set(changed)
    queue = deque((name, 0) for name in changed)
    order: list[str] = []
    while queue:
        name, depth = queue.popleft()
        order.append(f"{name}:{depth}")
        for user in sorted(reverse.get(name, ())):
            if user not in seen:
                seen.add(user)
                queue.append((user, depth + 1))
    return order


@workflow
class PlanBuild(Workflow):
    async def run(
        self, repo: str, changed: list[str], broken: list[str] | None = None
    ) -> dict[str, object]:
        graph = await manifests(repo)
        unknown = sorted(set(changed) - graph.keys())
        if unknown:
            raise KeyError(f"unknown packages: {', '.join(unknown)}")
        try:
            plan = waves_of(graph)
        except CycleError as error:
            cycle = error.args[1]
            return {"error": error.args[0], "cycle": " -> ".join(cycle), "len": len(cycle) - 1}
        affected = dependents(graph, changed)
        wanted = {entry.partition(":")[0] for entry in affected}
        waves: list[list[str]] = []
        built: list[str] = []
        failed: dict[str, str] = {}
        for ready in plan:
            todo = [
                name for name in ready if name in wanted and not set(graph[name]) & failed.keys()
            ]
            skipped = [name for name in ready if name in wanted and name not in todo]
            for name in skipped:
                failed[name] = "skipped: dependency failed"
            if todo:
                waves.append(todo)
                results = await asyncio.gather(
                    *[build(n, broken or []) for n in todo], return_exceptions=True
                )
                for name, result in zip(todo, results, strict=True):
                    if isinstance(result, BuildFailed):
                        failed[name] = str(result)
                    else:
                        built.append(result)
        return {
            "order": [name for wave in plan for name in wave],
            "affected": affected,
            "waves": waves,
            "built": built,
            "failed": failed,
        }


INPUTS = {
    "PlanBuild": [
        {"repo": "mono", "changed": ["utils"]},
        {"repo": "mono", "changed": ["core"], "broken": ["auth"]},
        {"repo": "mono", "changed": ["docs", "db"]},
        {"repo": "loop", "changed": ["a"]},
        {"repo": "mono", "changed": ["ghost", "web"]},
    ]
}
