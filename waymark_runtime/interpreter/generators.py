"""A generator helper's call as the state codec saves it: its paused frame, not its items;
and its `send`.

A generator the workflow holds across an await (`for page in drain(queue):` around an action)
is saved as its frame — the function, the `yield` it stopped at, its locals and slots — with
the other values of the state, so a list it shares with the workflow is still one list after
a resume, and the generator goes on reading it as CPython's does. Loading one needs the
program's compiled functions (`StateDecoder.functions`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from waymark_runtime.interpreter.code import Code, Frame, Generator
from waymark_runtime.values import ValueNotSerializable

JSON = Any


def send(generator: Generator, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`generator.send(value)`, with CPython's errors for its arguments."""
    if kwargs:
        raise TypeError("generator.send() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError(f"generator.send() takes exactly one argument ({len(args)} given)")
    return generator.send(args[0])


def encode_generator(obj: Generator, encode: Callable[[Any], JSON]) -> JSON:
    frame = obj.frame
    return {
        "$t": "generator",
        "fn": frame.code.name,
        "pc": frame.pc,
        "env": encode(frame.env),
        "slots": encode(frame.slots),
        "started": obj.started,
        "done": obj.done,
    }


def decode_generator(
    value: JSON, decode: Callable[[JSON], Any], functions: Mapping[str, Code] | None
) -> Generator:
    code = None if functions is None else functions.get(value["fn"])
    if code is None or not code.generator:
        raise ValueNotSerializable(f"a saved generator of an unknown function {value['fn']!r}")
    pc, started = value["pc"], value["started"]
    # One that has ended (an exception left its body) stays where it ended: it never runs on.
    if pc not in code.yields and (started or pc != 0) and not value["done"]:
        raise ValueNotSerializable(f"a saved generator of {value['fn']}() not at a yield")
    env, slots = decode(value["env"]), decode(value["slots"])
    if not isinstance(env, dict) or not isinstance(slots, list):
        raise ValueNotSerializable("a saved generator whose frame is not of its kinds")
    generator = Generator(Frame(code, env, pc, slots))
    generator.started, generator.done = bool(started), bool(value["done"])
    return generator
