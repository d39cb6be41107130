"""A function argument computed at run time (`key=handlers["far"]`, `map(TABLE[k], xs)`) is
evaluated once, before the call, after the iterable, as CPython evaluates arguments: a
missing key raises `KeyError` even for an empty list, and the lookup runs once."""

from __future__ import annotations

from waymark import Workflow, action, workflow


def low(text: str) -> str:
    return text.lower()


def shout(text: str) -> str:
    return text.upper()


def join(text: str, number: int) -> str:
    return f"{text}{number}"


def short(text: str) -> bool:
    return len(text) < 4


TABLE = {"low": low, "short": short}


@action
async def words() -> list[str]:
    return ["Mug", "CAP", "Pencil"]


@workflow
class HeldFunctions(Workflow):
    async def run(self, xs: list[int], name: str) -> dict[str, object]:
        k = 1

        def near(x: int) -> int:
            return x - k

        handlers = {"near": near}
        seen: list[str] = []

        def note(label: str, value: object) -> object:
            seen.append(label)
            return value

        try:
            picked: object = sorted(xs, key=handlers[name])
        except KeyError as error:
            picked = f"KeyError {error}"
        try:
            lowest: object = min(xs, key=handlers[name], default=None)
        except KeyError as error:
            lowest = f"KeyError {error}"
        try:
            xs.sort(key=handlers[name])
            in_place: object = list(xs)
        except KeyError as error:
            in_place = f"KeyError {error}"
        ordered = sorted(
            note("items", xs), key=note("key", near), reverse=note("reverse", name == "near")
        )
        extreme = max(note("max items", xs), key=note("max key", near), default=note("default", 0))
        flipped = sorted(xs, key=abs, reverse=note("flip", len(xs) > 1))
        texts = await words()
        mapped = list(map(TABLE["low"], note("map items", texts)))
        kept = list(filter(TABLE["short"], texts))
        try:
            lazy: object = list(map(TABLE[name], []))
        except KeyError as error:
            lazy = f"KeyError {error}"
        try:
            dropped: object = list(filter(TABLE[name], []))
        except KeyError as error:
            dropped = f"KeyError {error}"
        chosen = TABLE["low"] if name == "near" else shout
        both = list(map(chosen, texts))
        pairs = list(map(note("joined", join), texts, note("numbers", [1, 2])))
        return {
            "picked": picked, "lowest": lowest, "in_place": in_place, "ordered": ordered,
            "extreme": extreme, "mapped": mapped, "kept": kept, "lazy": lazy,
            "dropped": dropped, "both": both, "pairs": pairs, "flipped": flipped, "seen": seen,
        }  # fmt: skip
