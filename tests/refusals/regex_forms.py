import re

from waymark import Workflow, workflow


def shout(match: re.Match[str]) -> str:
    return match.group(0).upper()


@workflow
class RegexFormsWorkflow(Workflow):
    async def run(self, text: str) -> list[object]:
        upper = re.sub(r"\w+", lambda m: m.group(0).upper(), text)  # error: WM142 @32
        loud = re.subn(r"\w+", shout, text)  # error: WM142 @32
        spans = [m.span() for m in re.finditer(r"\d+", text)]  # error: WM101 @36
        purged = re.purge()  # error: WM101 @18
        return [upper, loud, spans, purged]
