from collections import defaultdict

from waymark import Workflow, workflow


@workflow
class KeyWorkflow(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        by_length = sorted(names, key=len)
        lowered = sorted(names, key=lambda a, b: a)  # error: WM142 @37
        measure = len  # error: WM142 @19
        shown = list(map(print, names))  # error: WM142 @26
        kept = list(filter(names))  # error: WM142 @21
        keyed = dict.fromkeys(names, 1, 2)  # error: WM142 @17
        zeros = defaultdict(lambda: 1)  # error: WM142 @29
        objects = defaultdict(object)  # error: WM142 @31
        taking = defaultdict(lambda key: 0)  # error: WM142 @30
        typed = defaultdict(lambda: list)  # error: WM142 @29
        filled = defaultdict(lambda: [0])  # error: WM142 @30
        digits = defaultdict(lambda: str(0))  # error: WM142 @30
        return [by_length, lowered, measure, shown, kept, keyed, zeros, objects, taking, typed,
                filled, digits]
