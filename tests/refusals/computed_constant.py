from waymark import Workflow, workflow

PREFIX = "ord"
TABLE = {"items": ["a", "b"], "size": 2}
ITEMS = TABLE["items"]
RAW = PREFIX.encode()
WIDE = PREFIX.zfill(10**9)
FIELD = "{0.real}".format(TABLE["size"])
SIZE = f"{TABLE['size']}"


@workflow
class ComputedConstantWorkflow(Workflow):
    async def run(self) -> list[object]:
        first = ITEMS  # error: WM122 @17
        raw = RAW  # error: WM122 @15
        wide = WIDE  # error: WM122 @16
        field = FIELD  # error: WM122 @17
        return [first, raw, wide, field, SIZE]
