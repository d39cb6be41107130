"""Pure expressions: f-strings, comprehensions, slicing, ternaries, builtins, str/dict methods."""

# Workflow bodies are written the way the compiler accepts them (no `raise from`, no `strict=`).
# ruff: noqa: B905

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def numbers(n: int) -> list[int]:
    return list(range(n))


@action
async def words(text: str) -> list[str]:
    return text.split()


@workflow
class FStrings(Workflow):
    async def run(self, value: float, name: str) -> list[str]:
        nums = await numbers(3)
        width = 8
        return [
            f"{value:.2f}",
            f"{value:>{width}.1f}|",
            f"{name!r:<10}|{name!s:^9}|",
            f"{nums} {nums[-1]:03d} {len(name):x}",
            f"{value * 100:,.0f}% {'yes' if value > 1 else 'no'}",
            f"{{literal}} {name.title()}",
            rf"C:\{name}\{width}",  # raw: each backslash as written, one before a field too
            rf"\d+{{2}}\\{value}",
            f"tab\t{name}\\",
        ]


@workflow
class FStringSpellings(Workflow):
    """Quotes ending a triple-quoted text part, named escapes in text and specs, debug fields."""

    async def run(self, value: float, name: str) -> list[str]:
        nums = await numbers(3)
        width = 9
        # Each spelling as written: the formatter would normalize the quotes and escapes.
        # fmt: off
        return [
            f"""say "{name}" """,
            f"""say "{name}\"""",
            f"""x""{name}"" """,
            f'''don'{name}''',
            f'''\'''{name}''',
            f'''''{name}''''',
            f"\N{BULLET} {name} \N{EM DASH}",
            f"{value:\N{BULLET}>10.2f}|{name:\N{EM DASH}^{width}}|{nums!r:\N{bullet}<{width}}",
            f"{value:\N{HYPHEN-MINUS}<{width}}",
            f"{name = !r:>{width}}|{ value = :.1f}|{nums=}",
            f"{{{name}}} {{}} }}{{",
            f"{name}\\",
            rf"\N{name}\{value:.1f}",
            f"{'}'}{'{'}{name:{'*'}^{width}}",
            f"\x41\101\u00e9\U0001F600\0{name}\t",
        ]
        # fmt: on


@workflow
class Comprehensions(Workflow):
    async def run(self, n: int) -> dict[str, object]:
        nums = await numbers(n)
        squares = [x * x for x in nums if x % 2 == 0]
        pairs = {x: x**2 for x in nums if x}
        parity = {x % 3 for x in nums}
        nested = [(a, b) for a in nums for b in nums if a < b < 3]
        total = sum(x for x in nums if x > 1)
        return {
            "squares": squares,
            "pairs": pairs,
            "parity": sorted(parity),
            "nested": nested,
            "total": total,
        }


@workflow
class GeneratorLaziness(Workflow):
    async def run(self, n: int) -> list[object]:
        nums = await numbers(n)
        first_big = any(x > 2 for x in nums)
        safe = all(10 // x > 0 for x in nums if x)
        lazy_stop = any(x == 0 or 10 // x for x in nums)
        return [first_big, safe, lazy_stop, max((x for x in nums), default=-1)]


@workflow
class SlicingAndIndexing(Workflow):
    async def run(self, text: str) -> list[object]:
        parts = await words(text)
        return [parts[0], parts[-1], parts[1:3], parts[::-1], parts[::2], text[2:-2], parts[:0]]


@workflow
class ChainedComparisons(Workflow):
    async def run(self, a: int, b: int, c: int) -> list[object]:
        nums = await numbers(5)
        return [
            a < b < c,
            a <= b == c,
            0 <= a < len(nums) <= c,
            a in nums,
            c not in nums,
            a is None,
            (a or None) is not None,
            not a,
        ]


@workflow
class AugmentedAssignment(Workflow):
    async def run(self, n: int) -> dict[str, object]:
        nums = await numbers(n)
        total = 0
        product = 1
        text = ""
        counts = {"even": 0, "odd": 0}
        acc = []
        for x in nums:
            total += x
            product *= x + 1
            text += str(x)
            counts["even" if x % 2 == 0 else "odd"] += 1
            acc += [x]
        total -= 1
        total //= 2
        product %= 1000
        return {"total": total, "product": product, "text": text, "counts": counts, "acc": acc}


@workflow
class BuiltinsAndMethods(Workflow):
    async def run(self, text: str) -> list[object]:
        parts = await words(text)
        lengths = [len(p) for p in parts]
        joined = "-".join(sorted(parts, reverse=True))
        counts = {}
        for p in parts:
            counts[p.lower()] = counts.get(p.lower(), 0) + 1
        return [
            min(lengths),
            max(lengths),
            sum(lengths),
            abs(-len(parts)),
            round(2.675, 2),
            round(7 / 3),
            joined.upper(),
            text.replace(" ", "_").strip("_"),
            text.startswith(parts[0]),
            list(counts.items()),
            sorted(counts, key=None),
            list(enumerate(parts, 1))[:2],
            list(zip(parts, lengths)),
            dict(a=1, b=2),
            tuple(lengths),
            set(lengths) == set(lengths),
            bool(parts),
            int("42") + float("0.5"),
            str(3.0),
            divmod(17, 5),
            pow(2, 10),
            list(reversed(lengths)),
            any([]),
            all([]),
            isinstance(text, str),
            isinstance(lengths, (dict, list)),
            " ".join(w.capitalize() for w in parts),
            text.count("a"),
            text.find("zz"),
            parts.index(parts[-1]),
        ]


@workflow
class DictAndListMutation(Workflow):
    async def run(self, keys: list[str]) -> dict[str, object]:
        nums = await numbers(len(keys))
        table = dict(zip(keys, nums))
        table.update({"extra": 99})
        removed = table.pop(keys[0]) if keys else None
        table.setdefault("default", -1)
        items = sorted(table.items())
        stack = list(nums)
        stack.insert(0, 100)
        last = stack.pop()
        stack.extend([7, 7])
        stack.remove(7)
        stack.sort()
        stack.reverse()
        unique = set(stack)
        unique.add(1000)
        unique.discard(100)
        return {
            "items": items,
            "removed": removed,
            "stack": stack,
            "last": last,
            "unique": sorted(unique),
            "copy": stack.copy() == stack,
        }


@workflow
class TernariesAndBooleans(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        nums = await numbers(3)
        first = values[0] if values else None
        fallback = first or "empty"
        both = values and nums
        either = [] or nums or values
        sign = "neg" if (first or 0) < 0 else "zero" if not first else "pos"
        return [first, fallback, both, either, sign, -len(values), ~len(nums), +3, not values]


@workflow
class StringMethods(Workflow):
    async def run(self, text: str) -> list[object]:
        parts = await words(text)
        head, sep, tail = text.partition(" ")
        return [
            text.upper(),
            text.lower(),
            text.title(),
            text.split(" ", 1),
            text.rsplit(maxsplit=1),
            head,
            sep,
            tail,
            text.zfill(20),
            text.center(21, "*"),
            text.ljust(3),
            text.isdigit(),
            text.endswith(("x", "y")),
            text.removeprefix(parts[0]),
            ",".join(parts).split(","),
            text.swapcase(),
            text.splitlines(),
            text.casefold() == text.lower(),
        ]


@workflow
class MixedUnpacking(Workflow):
    async def run(self, x: int) -> list[object]:
        a = await numbers(3)
        b = await numbers(x)
        defaults, overrides = {"id": 0, "size": 1}, {"size": x}
        return [
            {**defaults, **overrides, "id": x},
            [*a, *b, "c"],
            (*b, x, *a),
            {*a, x, *b},
            max(*a, x, *b),
            dict(*[[("k", x)]], m=1, **overrides),
        ]


@action
async def echo(value: object) -> object:
    return value


@workflow
class ComplexResults(Workflow):
    """A complex number from real arithmetic (a fractional power of a negative) is a value like
    any other: kept across an await and passed to and from an action."""

    async def run(self, base: float, power: float) -> list[object]:
        root = base**power
        back = await echo(root)
        return [root, back, back == root, abs(root), root.real, type(root).__name__, str(root)]
