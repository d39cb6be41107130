"""Help screens in the usual notation: `FILES...`, `ID` and `[PATH]` in usage lines, a value's
name (`JSON`, `INTEGER`, `text|json`) beside an option, and nothing beside a flag or an argument.

Typer prints Python types there instead (`<list[Path]>`, `<bool>`, `<str>`) and braces around
required arguments (`{ID}`). `plain_help(command)` gives each parameter of the command tree a
class that displays it the usual way; parsing is untouched.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption

_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH"}


class _PlainArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column already says what it is

    def _rich_display_name(self) -> str:
        return self.display_name_raw

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return f"{name}..." if self.nargs != 1 else name


class _PlainOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        name = _value_name(self)
        return f"{name}..." if self.nargs != 1 else name


def _value_name(option: Any) -> str:
    described = getattr(option, "type_descriptor", None)  # typer 0.2x; older typer has click's
    choices = described.choices if described is not None else getattr(option.type, "choices", None)
    if choices:
        return "|".join(str(getattr(choice, "value", choice)) for choice in choices)
    if described is not None:
        annotation = described.annotation
        name = getattr(annotation, "__name__", str(annotation))
    else:
        name = str(getattr(option.type, "name", "value")).replace(" range", "")
    return _NAMES.get(name, name.upper())


def _plain(param: Any) -> Any:
    if type(param) is TyperArgument:
        param.__class__ = _PlainArgument
        if param.metavar is None and param.name:
            param.metavar = param.name.upper()
    elif type(param) is TyperOption:
        param.__class__ = _PlainOption
    return param


def plain_help(command: Any) -> Any:
    """Give every parameter of `command` and its subcommands the usual help notation."""
    for param in command.params:
        _plain(param)
    help_option = command.get_help_option
    command.get_help_option = lambda ctx: _plain(help_option(ctx))  # made per context
    for sub in getattr(command, "commands", {}).values():  # a group's subcommands
        plain_help(sub)
    return command
