from waymark import Workflow, workflow


@workflow
class SelfBuiltins(Workflow):
    LIMIT = 3

    def helper(self) -> int:
        return 1

    async def run(self, field: str) -> object:
        setattr(self, field, 1)  # error: WM107 @23
        setattr(self, "LIMIT", 4)  # error: WM107 @9
        delattr(self, "helper")  # error: WM107 @9
        special = getattr(self, "__dict__")  # error: WM108 @19
        value = setattr(self, "x", 1)  # error: WM108 @17
        many = getattr(self, "x", 1, 2)  # error: WM108 @16
        keyword = hasattr(self, name="x")  # error: WM108 @19
        return special, value, many, keyword
