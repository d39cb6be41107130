"""How the CLI shows stored values that travel in an escaped form: long ints and strings with
NUL or surrogates (display only, never read back)."""

from __future__ import annotations

import json

from waymark_compiler.cli._output import printable
from waymark_compiler.cli._values import compact, exception_text, plain, pretty
from waymark_runtime.values import to_json


def test_long_ints_show_in_hex_and_escaped_strings_as_text() -> None:
    shown = plain(to_json({"n": 2**3000, "t": "a\x00b\ud800", "e": ValueError("bad\x00")}))
    assert shown["n"] == hex(2**3000)
    assert shown["t"] == "a\x00b\ud800"
    assert shown["e"] == {"exception": "ValueError", "message": "bad\x00"}
    assert exception_text(to_json(ValueError("bad\x00"))) == "ValueError: bad\\x00"


def test_json_shows_nan_infinity_and_lone_surrogates_as_python_writes_them() -> None:
    """`NaN`/`Infinity` as Python's `json.dumps` writes them (not the strings "nan", "inf"),
    a lone surrogate as its JSON escape (no UTF-8 stream can carry it as it is)."""
    value = to_json([float("nan"), float("inf"), -float("inf"), "a\ud800b", {"k": float("nan")}])
    text = pretty(plain(value))
    text.encode("utf-8")  # writable to any UTF-8 stdout
    assert json.loads(text)[1:4] == [float("inf"), -float("inf"), "a\ud800b"]
    assert compact(plain(value)) == '[NaN, Infinity, -Infinity, "a\\ud800b", {"k": NaN}]'
    assert printable("a\udc80b") == "a\\udc80b"


def test_a_malformed_stored_value_is_shown_as_stored() -> None:
    """A row written by hand or by a stranger: the CLI and the dashboard show it as it is
    instead of failing on it (it failed with KeyError 'fields', 'name', 'items'...)."""
    for value in ({"$t": "float", "v": ["x"]}, {"$t": "model"}, {"$t": "enum", "v": 1},
                  {"$t": "tuple"}, {"$t": "timedelta", "v": "x"}, {"$t": "int", "v": "zz"},
                  {"$t": "str", "v": "\\u"}):  # fmt: skip
        assert plain([value]) == [value]
        assert compact(plain(value)).startswith('{"$t"')
        assert exception_text(value).startswith('{"$t"')
