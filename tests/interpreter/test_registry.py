"""The type registry: which classes a stored program or value may construct, found without
importing anything; and the codec and the interpreter building nothing else."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from waymark_runtime import ir
from waymark_runtime.effects import Complete, Fail
from waymark_runtime.interpreter import start
from waymark_runtime.values import (
    ModelValue,
    add_user_module,
    find_class,
    find_standard_class,
    from_json,
)

HOME = """
    import dataclasses, enum
    from pydantic import BaseModel

    @dataclasses.dataclass
    class Item:
        name: str

    class Summary(BaseModel):
        items: list[Item]

    class Color(enum.Enum):
        RED = "red"

    class Oops(Exception):
        pass

    class Plain:
        pass

    class Slotted:
        __slots__ = ("a",)

    class Listed(list):
        pass

    @dataclasses.dataclass
    class _Private:
        secret: str
"""
MODELS = """
    import dataclasses

    @dataclasses.dataclass
    class Reached:
        value: int
"""
ROOT = """
    import dataclasses, logging, subprocess
    from {home} import Summary
    from {prefix}_stranger import Stranger
    import {prefix}_models as models

    @dataclasses.dataclass
    class Local:
        @dataclasses.dataclass
        class Inner:
            value: int
"""
STRANGER = """
    import dataclasses

    @dataclasses.dataclass
    class Stranger:
        value: int
"""
OTHER = """
    import dataclasses

    @dataclasses.dataclass
    class Unseen:
        value: int
"""

Names = Callable[[str], str]


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Names:
    """Fresh modules on disk; only `<prefix>_root` is a user module (as if it held actions)."""
    prefix = f"wm_registry_{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("registry")
    sources = {"home": HOME, "models": MODELS, "stranger": STRANGER, "other": OTHER, "root": ROOT}
    for name, source in sources.items():
        text = source.format(home=f"{prefix}_home", prefix=prefix)
        (Path(folder) / f"{prefix}_{name}.py").write_text(textwrap.dedent(text))
    sys.path.insert(0, str(folder))
    try:
        importlib.import_module(f"{prefix}_root")
        importlib.import_module(f"{prefix}_other")  # loaded, but no user module refers to it
    finally:
        sys.path.remove(str(folder))
    add_user_module(f"{prefix}_root")
    return lambda path: f"{prefix}_{path}"


@pytest.mark.parametrize(
    "path",
    ["root:Local", "root:Local.Inner", "home:Summary", "home:Item", "home:Color", "home:Oops",
     "models:Reached", "stranger:Stranger", "home:Plain"],
)  # fmt: skip
def test_the_classes_of_user_modules_and_of_what_they_import_are_constructible(
    modules: Names, path: str
) -> None:
    assert find_class(modules(path)) is not None


@pytest.mark.parametrize(
    "path",
    [
        "home:Slotted",
        "home:Listed",
        "home:_Private",
        "other:Unseen",
        "root:Local.__class__",
        "root:Missing",
    ],
)
def test_other_classes_of_those_modules_are_not(modules: Names, path: str) -> None:
    assert find_class(modules(path)) is None


@pytest.mark.parametrize(
    "path",
    ["subprocess:Popen", "logging:FileHandler", "io:FileIO", "builtins:type", "builtins:object",
     "builtins:SystemExit", "builtins:KeyboardInterrupt", "sys:modules.__class__",
     "tempfile:_TemporaryFileCloser", "subprocess:CalledProcessError", "pydantic:BaseModel",
     "enum:Enum", "waymark_runtime.store.postgres:PostgresStore"],
)  # fmt: skip
def test_nothing_else_is(modules: Names, path: str) -> None:
    assert find_class(path) is None


def test_builtin_and_waymark_exceptions_need_no_user_module() -> None:
    assert find_standard_class("builtins:KeyError") is KeyError
    assert find_standard_class("waymark_runtime.actions:ActionTimeout") is not None
    assert find_standard_class("builtins:BaseException") is None


def test_a_type_tag_builds_its_class_only_when_the_class_is_of_that_kind(modules: Names) -> None:
    item = {"$t": "dataclass", "type": modules("home:Item"), "fields": {"name": "x"}}
    built = from_json(item)
    assert type(built).__name__ == "Item" and built.name == "x"
    as_model = from_json({**item, "$t": "model"})
    assert isinstance(as_model, ModelValue)
    sneaky = {"$t": "dataclass", "type": modules("home:Item"),
              "fields": {"name": "x", "__class__": "y", "extra": 1}}  # fmt: skip
    assert vars(from_json(sneaky)) == {"name": "x"}
    anything = lambda path: Path  # noqa: E731 - a resolver that would hand out any class
    assert isinstance(from_json({**item, "type": "pathlib:Path"}, types=anything), ModelValue)


def construct(path: str) -> Complete | Fail:
    program = ir.Workflow(name="W", run=ir.Function(name="run", params=(), body=(
        ir.Return(value=ir.New(type=path, args=(), kwargs=(ir.Keyword(
            name="value", value=ir.Const(value=1)),))),)))  # fmt: skip
    _, (effect,) = start(program, {})
    assert isinstance(effect, (Complete, Fail))
    return effect


def test_new_builds_the_user_s_models_dataclasses_exceptions_and_plain_classes_only(
    modules: Names,
) -> None:
    built = construct(modules("models:Reached"))
    assert isinstance(built, Complete) and built.result["fields"] == {"value": 1}
    enum = construct(modules("home:Color"))
    assert isinstance(enum, Fail) and "is not a model, dataclass or exception" in str(enum.error)
    plain = construct(modules("home:Plain"))  # built as Python builds it: no `value` to take
    assert isinstance(plain, Fail) and "Plain() takes no arguments" in str(plain.error)
    for path in (modules("home:Slotted"), "subprocess:Popen", "builtins:dict"):
        failed = construct(path)
        assert isinstance(failed, Fail) and "is not available to this runtime" in str(failed.error)
