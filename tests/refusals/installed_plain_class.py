from graphlib import TopologicalSorter

from waymark import Workflow, workflow


class Ordering(TopologicalSorter):  # a plain subclass of a standard library class
    pass


@workflow
class InstalledPlainClass(Workflow):
    async def run(self, graph: dict[str, list[str]]) -> list[str]:
        order = list(TopologicalSorter(graph).static_order())  # error: WM101 @22
        return order + list(Ordering(graph).static_order())  # error: WM101 @29
