"""Binding a call's arguments to a helper's parameters, with CPython's `TypeError`s.

`bind_arguments` makes the new frame's locals: positional parameters, `*args` (a tuple of the
positional arguments past them), keyword-only parameters, `**kwargs` (a dict of the keywords no
parameter names) and the defaults of those left out. Pure; its messages name the function as
CPython does (`Wf.helper()`) and count the `self` of a method, not that of a module function
or a staticmethod, which are compiled as helpers too.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime import ir
from waymark_runtime.interpreter.code import Code, Env, Eval


def bind_arguments(code: Code, args: list[Any], kwargs: dict[str, Any]) -> Env:
    """The new frame's locals for `code(*args, **kwargs)`, or Python's TypeError."""
    name, params, defaults = code.title, code.params, code.defaults
    positional = [p.name for p in params if not p.keyword_only and not p.star]
    stars = {p.star: p.name for p in params if p.star}
    if len(args) > len(positional) and "*" not in stars:
        given = {key for key in kwargs if key not in code.closure}
        raise _too_many(name, params, defaults, len(args), given, int(code.bound))
    env: Env = dict(zip(positional, args, strict=False))
    if "*" in stars:
        env[stars["*"]] = tuple(args[len(positional) :])
    named = {p.name for p in params if not p.star}
    extra: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in env and key in named:
            raise TypeError(f"{name}() got multiple values for argument '{key}'")
        if key in named:
            env[key] = value
        elif "**" in stars:
            extra[key] = value
        else:
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    if "**" in stars:
        env[stars["**"]] = extra
    _fill_defaults(name, params, defaults, env)
    return env


def _too_many(
    name: str,
    params: tuple[ir.Param, ...],
    defaults: dict[str, Eval],
    given: int,
    keywords_given: set[str],
    bound: int,
) -> TypeError:
    """CPython's message for more positional arguments than parameters (`self` counted when
    `bound`; `keywords_given`, the keywords, a closure's variables left out)."""
    positional = [p for p in params if not p.keyword_only and not p.star]
    most = len(positional) + bound
    least = most - sum(p.name in defaults for p in positional)
    takes = f"from {least} to {most}" if least < most else str(most)
    given += bound
    plural = "" if most == 1 and least == most else "s"
    keywords = sum(p.keyword_only and p.name in keywords_given for p in params)
    if keywords:
        also = f"{keywords} keyword-only argument{'' if keywords == 1 else 's'}"
        were = f"{given} positional argument{'' if given == 1 else 's'} (and {also})"
        return TypeError(
            f"{name}() takes {takes} positional argument{plural} but {were} were given"
        )
    verb = "was" if given == 1 else "were"
    return TypeError(f"{name}() takes {takes} positional argument{plural} but {given} {verb} given")


def _fill_defaults(
    name: str, params: tuple[ir.Param, ...], defaults: dict[str, Eval], env: Env
) -> None:
    """The defaults of the parameters left out; CPython's message for those without one (the
    positional ones first, as CPython reports them)."""
    missing: dict[bool, list[str]] = {False: [], True: []}
    for param in params:
        if param.name in env:
            continue
        default = defaults.get(param.name)
        if default is None:
            missing[param.keyword_only].append(param.name)
        else:
            env[param.name] = default(env)  # a closure's default reads its hidden parameter
    for keyword_only, names in missing.items():
        if names:
            raise _missing(name, names, "keyword-only" if keyword_only else "positional")


def _missing(name: str, missing: list[str], kind: str) -> TypeError:
    quoted = [f"'{m}'" for m in missing]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    plural = "argument" if len(missing) == 1 else "arguments"
    return TypeError(f"{name}() missing {len(missing)} required {kind} {plural}: {listed}")
