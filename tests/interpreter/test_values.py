"""The value codec: every tagged form round-trips, unknown classes degrade clearly."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction
from pathlib import PurePosixPath
from string import Template
from urllib.parse import ParseResult, urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from waymark_runtime.values import (
    EnumValue,
    ExceptionValue,
    ModelValue,
    ValueNotSerializable,
    add_user_module,
    from_json,
    to_json,
    to_value,
)
from waymark_runtime.values.cycles import holds_itself
from waymark_runtime.values.text import UnreadableJson, check_storable, read_json
from waymark_runtime.values.validation import validated

add_user_module(__name__)  # as `WAYMARK_USER_MODULE` would: its classes are the user's


class Color(Enum):
    RED = "red"


class Size(IntEnum):
    S = 1


class Inner(BaseModel):
    when: datetime
    tags: set[str] = set()


class Outer(BaseModel):
    inner: Inner
    color: Color
    extra: dict[int, tuple[int, str]] = {}


@dataclass
class Pair:
    left: Inner
    right: list[Pair] = field(default_factory=list)


class Declined(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def roundtrip(value: object) -> object:
    return from_json(json.loads(json.dumps(to_json(value))))


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -2.5, "text", [1, [2]], (1, (2, "x")), {1, 2}, frozenset({"a"}),
        {1: "a", (2, 3): None}, {"$t": "user key"}, b"\x00\xff",
        datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), date(2020, 2, 29), time(12, 30),
        timedelta(days=-1, seconds=5, microseconds=7), uuid.UUID(int=5), Decimal("1.10"),
        float("inf"), Color.RED, Size.S, Fraction(-3, 4), Fraction(10**400 + 1, 3),
        PurePosixPath("/srv/a b/c.tar.gz"), PurePosixPath("rel"),
    ],
)  # fmt: skip
def test_builtin_forms_round_trip_exactly(value: object) -> None:
    back = roundtrip(value)
    assert back == value and type(back) is type(value)


def test_a_string_template_round_trips_as_its_text() -> None:
    back = roundtrip(Template("$who: ${n}"))
    assert type(back) is Template and back.template == "$who: ${n}"  # type: ignore[attr-defined]


def test_nan_is_stored_without_breaking_json() -> None:
    assert math.isnan(roundtrip(float("nan")))  # type: ignore[arg-type]
    json.dumps(to_json(float("nan")), allow_nan=False)


def test_models_and_dataclasses_round_trip_nested() -> None:
    model = Outer(
        inner=Inner(when=datetime(2024, 1, 1), tags={"a"}), color=Color.RED, extra={1: (2, "b")}
    )
    pair = Pair(Inner(when=datetime(2023, 1, 1)), [Pair(Inner(when=datetime(2022, 1, 1)))])
    assert roundtrip(model) == model
    assert roundtrip(pair) == pair


def test_structural_values_need_no_user_classes() -> None:
    value = to_value(to_json(Outer(inner=Inner(when=datetime(2024, 1, 1)), color=Color.RED)))
    assert isinstance(value, ModelValue) and value.type.endswith(":Outer")
    assert isinstance(value.fields["color"], EnumValue) and value.fields["color"].value == "red"
    assert to_json(value) == to_json(Outer(inner=Inner(when=datetime(2024, 1, 1)), color=Color.RED))


def test_exceptions_keep_class_lineage_message_args_and_attributes() -> None:
    encoded = to_json(Declined("card declined", 402))
    structural = to_value(encoded)
    assert isinstance(structural, ExceptionValue)
    assert structural.is_a("builtins:Exception") and structural.is_a("Declined")
    assert not structural.is_a("builtins:ValueError")
    assert (structural.message, structural.args, structural.attrs) == (
        "card declined",
        ("card declined",),
        {"code": 402},
    )
    real = from_json(encoded)
    assert type(real) is Declined and str(real) == "card declined" and real.code == 402  # type: ignore[attr-defined]
    os_error = from_json(to_json(FileNotFoundError(2, "missing")))
    assert (
        isinstance(os_error, FileNotFoundError)
        and os_error.errno == 2
        and str(os_error) == "[Errno 2] missing"
    )


def test_an_exception_of_an_unloaded_class_becomes_a_same_named_subclass_of_its_base() -> None:
    encoded = {"$t": "exception", "type": "elsewhere:QuotaError", "bases": ["builtins:LookupError",
               "builtins:Exception", "builtins:BaseException"], "message": "over", "args": ["over"], "attrs": {}}  # fmt: skip
    error = from_json(encoded)
    assert (
        isinstance(error, LookupError)
        and type(error).__name__ == "QuotaError"
        and str(error) == "over"
    )


def test_validation_builds_the_annotated_types_and_keeps_numbers_as_given() -> None:
    assert validated(Inner, {"when": "2024-01-01T00:00:00", "tags": ["x"]}) == Inner(
        when=datetime(2024, 1, 1), tags={"x"}
    )
    assert validated(int, "2") == 2
    kept = [validated(float, 3), validated(int, True), validated(Decimal, 10)]
    assert [(v, type(v)) for v in kept] == [(3, int), (True, bool), (10, int)]
    assert validated(float, 2.5) == 2.5 and type(validated(float, "2.5")) is float
    items = validated(tuple[float, ...], [1, 2.5])
    assert items == (1, 2.5) and [type(v) for v in items] == [int, float]
    table = validated(dict[str, list[float]], {"a": [1], "b": []})
    assert table == {"a": [1]} | {"b": []} and type(table["a"][0]) is int


def test_values_that_cannot_be_stored_are_named() -> None:
    with pytest.raises(ValueNotSerializable, match="builtins:object"):
        to_json({"x": [object()]})


@pytest.mark.parametrize(
    "value",
    [2**2048 - 1, 2**2048, -(2**2048), -(2**5000) + 7, 3**20_000],
    ids=["widest-number", "first-hex", "negative-hex", "negative", "past-str-limit"],
)
def test_ints_of_any_length_travel_whole(value: int) -> None:
    encoded = to_json(value)
    assert encoded == value if abs(value) < 2**2048 else encoded["$t"] == "int"
    check_storable(encoded)
    assert roundtrip(value) == value and roundtrip([{"n": value}]) == [{"n": value}]


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "\ud800", "\udfff tail", "\ud83d\ude00", "\x00\U0001f600\\x00", "\\u0000"],
)
def test_strings_with_nul_or_surrogates_round_trip_exactly(text: str) -> None:
    value = {"text": text, text: [text], (text,): {text}}
    encoded = to_json(value)
    check_storable(encoded)
    assert roundtrip(value) == value
    error = roundtrip(ValueError(text, 1))
    assert isinstance(error, ValueError) and error.args == (text, 1)
    assert to_value(json.loads(json.dumps(to_json(ValueError(text))))).message == text


def test_plain_strings_and_numbers_are_stored_as_they_are() -> None:
    assert to_json(["caf\u00e9", "\U0001f600", "", 2**64, {"k": "v"}]) == [
        "caf\u00e9", "\U0001f600", "", 2**64, {"k": "v"}
    ]  # fmt: skip


@given(st.text(st.characters() | st.characters(categories=["Cs", "Cc"])))
def test_any_text_is_storable_and_comes_back_the_same(text: str) -> None:
    encoded = to_json([text, {text: text}])
    check_storable(encoded)
    assert json.loads(json.dumps(encoded)) == encoded
    assert from_json(json.loads(json.dumps(encoded))) == [text, {text: text}]


def test_what_postgresql_would_refuse_is_not_storable() -> None:
    for raw in ["a\x00", ["ok", {"k": "\ud800"}], {"\x00": 1}, 10**5000, float("nan"), object()]:
        with pytest.raises(ValueNotSerializable):
            check_storable(raw)
    check_storable(["a literal \\u0000 is text", "\U0001f600"])


@pytest.mark.parametrize(
    "value", [None, True, False, 0, -7, 12345, 10**18 - 1, -(10**18) + 1, 10**18]
)
def test_a_scalar_is_held_to_the_size_limit_by_its_json_text(value: object) -> None:
    size = len(json.dumps(value))
    check_storable(value, size)
    with pytest.raises(ValueNotSerializable, match="more than WAYMARK_MAX_PAYLOAD_BYTES"):
        check_storable(value, size - 1)


def test_a_value_that_contains_itself_is_refused_clearly() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueNotSerializable, match="contains itself: a list holds itself"):
        to_json(loop)
    table: dict[str, object] = {}
    table["rows"] = [1, (2, table)]
    with pytest.raises(ValueNotSerializable, match="contains itself: a dict holds itself"):
        to_json(table)


def _looped() -> list[object]:
    loop: list[object] = [1, {"k": 2}]
    loop.append([loop])
    return loop


def _deep(levels: int) -> object:
    value: object = []
    for _ in range(levels):
        value = [value]
    return value


DECODERS = [to_value, from_json, lambda value: validated(list, value)]


@pytest.mark.parametrize("decode", DECODERS)
def test_decoding_a_value_that_contains_itself_is_refused_clearly(
    decode: Callable[[object], object],
) -> None:
    with pytest.raises(ValueNotSerializable, match="contains itself: a list holds itself"):
        decode(_looped())


@pytest.mark.parametrize("decode", [to_json, *DECODERS])
def test_a_value_nested_100_000_deep_is_refused_clearly(
    decode: Callable[[object], object],
) -> None:
    with pytest.raises(ValueNotSerializable, match="nests too deeply"):
        decode(_deep(100_000))


def test_shared_references_are_not_a_value_that_contains_itself() -> None:
    shared = [1, 2]
    assert to_value(to_json([shared, shared, {"k": shared}])) == [[1, 2], [1, 2], {"k": [1, 2]}]
    assert holds_itself([shared, shared, (shared,)]) is None
    assert holds_itself(_deep(100_000)) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"a": "\udcff"}', "it is not UTF-8 text: byte 0xff (line 1, column 8)"),
        ('[\n  "\ud800"]', "it is not UTF-8 text: U+D800 (line 2, column 4)"),
        ("[" * 100_000, "it nests deeper than Python's recursion limit"),
        ("9" * 5000, "a number has more than 4,300 digits"),
        # `json.loads` keeps the last of a repeated key: which one was meant is not known.
        ('{"n": 1, "n": 2}', 'an object gives the key "n" twice'),
        ('[{"deep": {"k": 1, "k": 1}}]', 'an object gives the key "k" twice'),
    ],
)
def test_json_text_from_outside_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(UnreadableJson) as refused:
        read_json(text)
    assert str(refused.value) == why


def test_json_text_keeps_escaped_surrogates_and_any_other_character() -> None:
    assert read_json('["\\ud800", "é", "\\u0000"]') == ["\ud800", "é", "\x00"]


def test_a_standard_library_named_tuple_loads_as_its_own_class_with_its_methods() -> None:
    parsed = urlparse("https://ex.test/a?b=1#c")
    for loaded in (to_value(to_json(parsed)), from_json(to_json(parsed))):
        assert type(loaded) is ParseResult
        assert loaded == parsed
        assert loaded.geturl() == "https://ex.test/a?b=1#c"
        assert loaded.hostname == "ex.test"
