"""Options shared by several commands: the text-or-JSON output switch."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


TableFormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="text (a table) or json.", show_default=False),
]
