"""`pathlib.PurePosixPath` (and `PurePath`, the same class on POSIX) as workflow values: path
arithmetic without the file system. Built, joined with `/` and `joinpath`, taken apart
(`name`, `stem`, `suffix`, `parent`, `parts`...), compared, used as dict keys and sorted, kept
across awaits and sent to and returned from actions as the same class."""

from __future__ import annotations

import pathlib
from pathlib import PurePath, PurePosixPath

from waymark import Workflow, action, workflow


@action
async def archived(path: PurePosixPath) -> PurePosixPath:
    return path.with_suffix(".tar.gz")


@workflow
class PurePaths(Workflow):
    async def run(self, root: str, name: str) -> list[object]:
        base = PurePosixPath(root) / "reports"
        path = base / name
        parts = [path, str(path), repr(path), path.name, path.stem, path.suffix, path.suffixes]
        parts += [path.parent, path.parts, list(path.parents), path.parents[0], len(path.parents)]
        made = [path.with_name("b.csv"), path.with_stem("q2"), path.with_suffix(".zip")]
        made += [base.joinpath("x", "y"), "/top" / PurePath("a", "b"), pathlib.PurePath(name)]
        tests = [path.is_absolute(), path.match("*.csv"), path.as_posix(), path.anchor]
        tests += [path.is_relative_to(root), path == PurePosixPath(str(path))]
        keys = {path: 1, base: 2}
        await archived(base)
        saved = await archived(path)
        ordered = sorted([path, base, PurePosixPath("a"), saved])
        try:
            relative: object = path.relative_to(root)
            outside: object = path.relative_to("/elsewhere")
        except ValueError as error:
            outside = str(error)
        found = keys[PurePosixPath(str(path))]
        return [parts, made, tests, found, saved, ordered, relative, outside]
