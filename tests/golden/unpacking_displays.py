from waymark import Workflow, workflow


@workflow
class DisplaysWorkflow(Workflow):
    async def run(self, xs: list[int], ys: tuple[int, ...], extra: dict[str, int]) -> list[object]:
        merged_list = [*xs, 0, *ys]
        merged_tuple = (*xs, *ys)
        single = (1,)
        empty_tuple = ()
        merged_set = {*xs, 99}
        merged_dict = {"a": 1, **extra, "b": 2}
        nested = {"list": [1, [2, 3]], "tuple": (4,), "set": {5}, "none": None}
        return [merged_list, merged_tuple, single, empty_tuple, merged_set, merged_dict, nested]
