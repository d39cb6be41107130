import pathlib
from pathlib import Path, PurePosixPath

from waymark import Workflow, workflow


@workflow
class FilePaths(Workflow):
    async def run(self, name: str) -> list[object]:
        pure = PurePosixPath("/srv") / name  # a pure path is a value
        here = Path(name)  # error: WM101 @16
        windows = pathlib.PureWindowsPath(name)  # error: WM101 @19
        kind = isinstance(pure, PurePosixPath)  # error: WM144 @33
        return [pure, here, windows, kind]
