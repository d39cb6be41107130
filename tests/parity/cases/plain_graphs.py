"""Plain instances as Python holds them: one instance under several names and in lists and dicts
(a write through one is seen through all, across awaits), instances that lead back to each
other, the user's `__eq__` over shared attributes, and copies of instances."""

from __future__ import annotations

import copy

from waymark import Workflow, action, workflow


class Box:
    def __init__(self, n: int) -> None:
        self.n = n
        self.tags: list[str] = []

    def bump(self) -> None:
        self.n += 1


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.child: Node | None = None
        self.parent: Node | None = None


class Leaf:
    def __init__(self, v: int) -> None:
        self.v = v


class Pair:
    def __init__(self, leaf: Leaf) -> None:
        self.leaf = leaf

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pair) and self.leaf == other.leaf

    def __repr__(self) -> str:
        return f"Pair({self.leaf.v})"


class Keyed:
    def __init__(self, k: int) -> None:
        self.k = k


@action
async def ping(n: int) -> int:
    return n


@workflow
class PlainAliases(Workflow):
    async def run(self, n: int) -> object:
        a = Box(n)
        b = a
        boxes = [a, a, Box(0)]
        table = {"k": a}
        await ping(0)
        b.bump()
        boxes[0].bump()
        table["k"].tags.append("t")
        await ping(1)
        boxes[1].n += 10
        self.grow(boxes[2])
        copied = list(boxes)
        copied[2].bump()
        return [a.n, b.n, boxes[0].n, table["k"].n, a.tags, boxes[2].n, boxes.index(b)]

    def grow(self, box: Box) -> None:
        box.n += 100


@workflow
class PlainBackLinks(Workflow):
    async def run(self, name: str) -> object:
        root, kid = Node(name), Node("kid")
        root.child = kid
        kid.parent = root
        await ping(0)
        kid.parent.name = name.upper()
        root.child.name = "KID"
        await ping(1)
        assert root.child.parent is not None and kid.parent.child is not None
        return [root.name, kid.name, root.child.parent.name, kid.parent.child.name]


@workflow
class PlainSharedEquality(Workflow):
    async def run(self, v: int) -> object:
        shared = Leaf(v)
        a, b, c = Pair(shared), Pair(shared), Pair(Leaf(v))
        first = copy.copy(a)
        deep = copy.deepcopy(a)
        await ping(0)
        shared.v += 1
        return [a == b, a == c, a in [b], [a] == [b], repr(a), first == a, deep == a,
                first.leaf.v, deep.leaf.v]  # fmt: skip


@workflow
class PlainKeys(Workflow):
    async def run(self, k: int) -> object:
        k1, k2 = Keyed(k), Keyed(k)
        table = {k1: "a", k2: "b"}
        seen = {k1, k2, k1}
        await ping(0)
        k1.k = k + 5
        await ping(1)
        return [len(table), table[k1], table[k2], len(seen), k1 in seen, Keyed(k) in seen,
                [key.k for key in table]]  # fmt: skip
