"""How the CLI shows stored values that travel in an escaped form: long ints and strings with
NUL or surrogates (display only, never read back)."""

from __future__ import annotations

from waymark_compiler.cli._values import exception_text, plain
from waymark_runtime.values import to_json


def test_long_ints_show_in_hex_and_escaped_strings_as_text() -> None:
    shown = plain(to_json({"n": 2**3000, "t": "a\x00b\ud800", "e": ValueError("bad\x00")}))
    assert shown["n"] == hex(2**3000)
    assert shown["t"] == "a\x00b\ud800"
    assert shown["e"] == {"exception": "ValueError", "message": "bad\x00"}
    assert exception_text(to_json(ValueError("bad\x00"))) == "ValueError: bad\\x00"
