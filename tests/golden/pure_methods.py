from waymark import Workflow, workflow


@workflow
class MethodsWorkflow(Workflow):
    async def run(self, text: str, items: list[str], table: dict[str, int]) -> list[object]:
        words = text.strip().lower().split(",")
        joined = "-".join(words)
        replaced = joined.replace("-", "_").upper()
        starts = text.startswith("a") and text.endswith("z")
        items.append("x")
        items.extend(["y", "z"])
        items.insert(0, "w")
        last = items.pop()
        items.remove("w")
        items.sort(reverse=True)
        position = items.index("x")
        value = table.get("k", 0)
        table.update({"k": 1})
        table.setdefault("j", 2)
        pairs = list(table.items())
        keys = sorted(table.keys())
        seen = {1, 2}
        seen.add(3)
        merged = seen.union({4})
        return [words, joined, replaced, starts, last, position, value, pairs, keys, merged]
