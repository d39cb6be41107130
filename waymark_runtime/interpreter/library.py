"""The pure functions a workflow may call: whitelisted builtins and methods, and constructors
(attribute reads are `attributes`).

Everything a program can reach from a value goes through here, so a stored program can never
touch `__class__`, call `datetime.now()` or import a module; the builtins and methods are those
the compiler emits (`vocabulary`). `Library` binds what depends on a step context: classes come
from the context's `TypeResolver` (by default the type registry), only models, dataclasses and
exceptions are constructed, and builtins and methods run under the context's meter.
"""

from __future__ import annotations

import builtins
import copy
import datetime as dt
import functools
import math
import random
import string
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.attributes import (
    get_attribute,
    get_attribute_named,
    has_attribute,
    no_attribute,
)
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.cells import cell_bound
from waymark_runtime.interpreter.classes import (
    enum_by_value,
    enum_members,
    is_instance,
    is_subclass,
    receiver_of,
    type_is,
    type_of,
)
from waymark_runtime.interpreter.code import Generator, delegate_step
from waymark_runtime.interpreter.constructing import remember, sharing, stored_as_given
from waymark_runtime.interpreter.csv_readers import csv_functions
from waymark_runtime.interpreter.csv_writers import WRITING_TYPES, call_writing, writer_functions
from waymark_runtime.interpreter.exception_groups import (
    GROUP_METHODS,
    except_star_functions,
    group_method,
    is_group,
)
from waymark_runtime.interpreter.exception_notes import add_note
from waymark_runtime.interpreter.formatting import WorkflowFormatter, conversions, format_text
from waymark_runtime.interpreter.generators import send
from waymark_runtime.interpreter.instance_self import is_workflow_object
from waymark_runtime.interpreter.iterators import iterator_functions
from waymark_runtime.interpreter.methods import (
    DATA_TYPES,
    REGEX_METHODS,
    REGEX_VALUES,
    allowed_method,
    zone_given,
)
from waymark_runtime.interpreter.models import (
    MODEL_METHODS,
    ModelMethodError,
    call_dataclass_function,
    call_model_method,
)
from waymark_runtime.interpreter.regexes import Regexes
from waymark_runtime.interpreter.seeded_random import RANDOM_METHODS, call_random, seeded_random
from waymark_runtime.interpreter.self_attributes import self_delattr, self_lookup, self_vars
from waymark_runtime.interpreter.standard import standard_functions
from waymark_runtime.interpreter.starmap import starmap_items
from waymark_runtime.interpreter.templates import TEMPLATE_METHODS, call_template_method
from waymark_runtime.values import (
    MODEL_VALUES,
    EnumValue,
    ExceptionValue,
    ModelValue,
    TypeResolver,
    TypeValue,
    as_workflow_value,
    find_class,
    kind_of,
    own_method,
    plain_value,
    to_json,
    to_value,
    type_name,
)
from waymark_runtime.values.callables import partial_of
from waymark_runtime.values.fields import dataclass_fields
from waymark_runtime.values.foreign import VALIDATION_ERROR, rebuild_foreign
from waymark_runtime.values.rebuild import rebuilt
from waymark_runtime.vocabulary import (
    CELL_BOUND,
    DATACLASS_FUNCTIONS,
    DELEGATE_STEP,
    DURATION,
    ENUM_LOOKUP,
    ENUM_MEMBERS,
    FORMATTING,
    FROM_TIMESTAMP,
    IS_SUBCLASS,
    MODEL_VALIDATE,
    MODEL_VALIDATE_JSON,
    PARTIAL,
    PURE_BUILTINS,
    PURE_FUNCTIONS,
    RECEIVER_OF,
    SELF_DELATTR,
    SELF_LOOKUP,
    SELF_VARS,
    STANDARD_FUNCTIONS,
    STARMAP_ITEMS,
    TYPE_IS,
    TYPE_NAME,
    TYPE_OF,
    standard_function,
)

# ---------------------------------------------------------------------------------------------
# Construction of user values
# ---------------------------------------------------------------------------------------------


_NEW_KINDS = ("exception", "model", "dataclass", "namedtuple", "object")
_COPIED_ITEMS = (list, tuple, dict, set, frozenset, deque)  # what a shallow copy is charged by
_VALIDATION_METHODS = frozenset({"errors", "error_count"})


# ---------------------------------------------------------------------------------------------
# Builtin functions, and what a step context binds
# ---------------------------------------------------------------------------------------------

_PLAIN_BUILTINS: dict[str, Callable[..., Any]] = {
    name: getattr(builtins, name) for name in PURE_BUILTINS - {"isinstance", "getattr", "hasattr"}
}
_PLAIN_BUILTINS["isinstance"] = is_instance
_PLAIN_BUILTINS["getattr"] = get_attribute_named
_PLAIN_BUILTINS["hasattr"] = has_attribute
_PLAIN_BUILTINS[DURATION] = dt.timedelta
_PLAIN_BUILTINS[TYPE_NAME] = type_name
_PLAIN_BUILTINS[TYPE_IS] = type_is
_PLAIN_BUILTINS[DELEGATE_STEP] = delegate_step
_PLAIN_BUILTINS[TYPE_OF] = type_of
_PLAIN_BUILTINS[IS_SUBCLASS] = is_subclass
_PLAIN_BUILTINS[RECEIVER_OF] = receiver_of
_PLAIN_BUILTINS[ENUM_LOOKUP] = enum_by_value
_PLAIN_BUILTINS[ENUM_MEMBERS] = enum_members
_PLAIN_BUILTINS[SELF_LOOKUP] = self_lookup
_PLAIN_BUILTINS[SELF_VARS] = self_vars
_PLAIN_BUILTINS[SELF_DELATTR] = self_delattr
_PLAIN_BUILTINS.update(
    {
        f"collections.{kind.__name__}": kind
        for kind in (Counter, OrderedDict, defaultdict, deque, ChainMap)
    }
)
_PLAIN_BUILTINS.update((name, getattr(math, name.removeprefix("math."))) for name in PURE_FUNCTIONS)
_PLAIN_BUILTINS.update((name, standard_function(name)) for name in STANDARD_FUNCTIONS)


class Library:
    """Builtins, methods and constructors under one meter (`bounded`) and type resolver."""

    def __init__(self, bounded: Bounded, types: TypeResolver | None = None) -> None:
        self.bounded = bounded
        self.types: TypeResolver = types or find_class
        # Those whose work or result grows with their input run under the meter.
        self.builtins = {name: bounded.builtins.get(name, f) for name, f in _PLAIN_BUILTINS.items()}
        for name in DATACLASS_FUNCTIONS:
            self.builtins[name] = functools.partial(self._dataclass_function, name)
        self.builtins["dataclasses.fields"] = self._fields
        self.builtins[FROM_TIMESTAMP] = zone_given(
            self.builtins[FROM_TIMESTAMP], "fromtimestamp()", 1
        )
        self.builtins[MODEL_VALIDATE] = self.model_validate
        self.builtins["copy.copy"] = self.copy
        self.builtins["copy.deepcopy"] = self.deepcopy
        self.builtins[PARTIAL] = lambda func, /, *args, **keywords: partial_of(func, args, keywords)
        self.builtins[MODEL_VALIDATE_JSON] = self.model_validate_json
        self.builtins.update(iterator_functions(bounded.meter))
        self.builtins.update(standard_functions(bounded))
        self.builtins.update(csv_functions(bounded.meter))
        self.builtins.update(writer_functions())
        self.builtins["random.Random"] = seeded_random
        self.builtins[STARMAP_ITEMS] = starmap_items
        self.builtins[CELL_BOUND] = cell_bound
        self.builtins.update(except_star_functions(self.types))
        self.regexes = Regexes(bounded.meter)
        self.builtins.update(self.regexes.functions())
        self.conversions = conversions(self)
        """`{x}`, `{x!s}`, `{x!r}`, `{x!a}` of f-strings and `str.format` fields."""
        self.formatter = WorkflowFormatter(get_attribute, self.conversions, bounded.format_value)

    def builtin(self, name: str) -> Callable[..., Any]:
        try:
            return self.builtins[name]
        except KeyError:
            raise ProgramError(f"`{name}` is not a function a workflow may call") from None

    def call_method(self, obj: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if name in MODEL_METHODS and isinstance(obj, ModelValue) and obj.kind == "model":
            try:
                result = call_model_method(obj, name, args, kwargs, self._real)
            except ModelMethodError as error:
                raise ProgramError(str(error)) from None
            return self.bounded.meter.settle(result)
        if name in _VALIDATION_METHODS and type(obj) is ExceptionValue:
            return self._validation_error(obj, name, args, kwargs)
        if name == "add_note" and type(obj) is ExceptionValue:
            return add_note(obj, args, kwargs)
        if name in GROUP_METHODS and is_group(obj):
            return group_method(obj, name, args, kwargs, self.types, self.new)
        if name == "send" and obj.__class__ is Generator:  # a generator helper's call
            return send(obj, args, kwargs)
        if name in FORMATTING and type(obj) is str:  # a template known only now
            text = format_text(self.formatter, obj, name, args, kwargs)
            return self.bounded.meter.settle(text)
        if type(obj) is EnumValue and (own := own_method(obj, name)) is not None:
            result = own(*map(self._real, args), **{k: self._real(v) for k, v in kwargs.items()})
            return self.bounded.meter.settle(as_workflow_value(result))
        if obj.__class__ in REGEX_VALUES and name in REGEX_METHODS[obj.__class__]:
            return self.regexes.call_method(obj, name, args, kwargs)
        if obj.__class__ is string.Template and name in TEMPLATE_METHODS:
            written, meter = self.bounded.builtins["str"], self.bounded.meter
            return call_template_method(obj, name, args, kwargs, written, meter)
        if obj.__class__ is random.Random and name in RANDOM_METHODS:  # a seeded generator
            result = call_random(obj, name, args, kwargs, self.bounded.meter)
            return self.bounded.meter.settle(result)
        if obj.__class__ in WRITING_TYPES:  # a text buffer, a csv writer: held to the limit
            return call_writing(obj, name, args, kwargs, self.bounded.meter)
        receiver, method = allowed_method(obj, name)
        if receiver.__class__ in DATA_TYPES:  # `"a-b".startswith(Tier.PRO)`: str's own rules
            args = [plain_value(a) for a in args]
            kwargs = {k: plain_value(v) for k, v in kwargs.items()}
        return self.bounded.call_method(receiver, name, method, args, kwargs)

    def _validation_error(
        self, error: ExceptionValue, name: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """`error.errors(...)` and `error.error_count()` of a pydantic `ValidationError`: the
        real error's answer (its documentation URLs and all), rebuilt from the value."""
        real = rebuild_foreign(error.type, error.attrs) if error.type == VALIDATION_ERROR else None
        if real is None:
            raise no_attribute(error, name)
        self.bounded.charge_visit(error.attrs)
        answer = getattr(real, name)(
            *map(self._real, args), **{k: self._real(v) for k, v in kwargs.items()}
        )
        return self.bounded.meter.settle(to_value(to_json(answer)))

    def _dataclass_function(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        function = name.rpartition(".")[2]
        if function == "is_dataclass" and len(args) == 1 and not kwargs:  # of a value
            return isinstance(args[0], ModelValue) and args[0].kind == "dataclass"
        try:
            result = call_dataclass_function(
                function, list(args), kwargs, self._real, as_workflow_value
            )
        except ModelMethodError as error:
            raise ProgramError(str(error)) from None
        return self.bounded.meter.settle(result)

    def _fields(self, value: Any) -> tuple[Any, ...]:
        try:
            return dataclass_fields(value, self.types)
        except LookupError as error:
            raise ProgramError(str(error)) from None

    def new(self, path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """`Cls(...)`: build the real object (validation, defaults), keep its structural form."""
        cls = self._constructible(path)
        given: dict[int, Any] = {}  # a real argument's id -> the workflow value it was built from

        def real(value: Any) -> Any:
            built = self._real(value)
            if built is not value:
                remember(given, value, built)
            return built

        real_args = [real(arg) for arg in args]
        real_kwargs = {key: real(value) for key, value in kwargs.items()}
        obj = cls(*real_args, **real_kwargs)
        made = as_workflow_value(obj)
        return sharing(made, obj, given) if given else made

    def copy(self, value: Any) -> Any:
        """`copy.copy(value)`: a new container (or model, dataclass, exception) holding the
        same items, as Python's shallow copy makes."""
        self.bounded.meter.charge(len(value) if isinstance(value, _COPIED_ITEMS) else 1)
        self._copyable(value)
        return self.bounded.meter.settle(copy.copy(value))

    def deepcopy(self, value: Any) -> Any:
        """`copy.deepcopy(value)`: every nested container copied, an object reached twice
        copied once, enum members kept, as Python's deep copy does."""
        self.bounded.charge_visit(value)
        self._copyable(value)
        return self.bounded.meter.settle(copy.deepcopy(value))

    def _copyable(self, value: Any) -> None:
        """Python copies an exception by calling its class with its args again, which fails
        (`TypeError`) for a class whose `__init__` takes other arguments: so does the copy."""
        if value.__class__ is ExceptionValue:
            copy.copy(self._real(value))

    def model_validate(self, model: Any, data: Any) -> Any:
        """`Model.model_validate(data)`, validated by pydantic: a dict (or what else pydantic
        takes) becomes a model; an instance of the class comes back as itself, the same value,
        unless the class revalidates instances (`revalidate_instances`)."""
        cls = self._model_class(model, "model_validate")
        real = self._real(data)
        validated = cls.model_validate(real)  # type: ignore[attr-defined]
        return data if validated is real else as_workflow_value(validated)

    def model_validate_json(self, model: Any, text: Any) -> Any:
        """`Model.model_validate_json(text)`: pydantic parses and validates the JSON (a str, or
        bytes), raising its `ValidationError` for malformed JSON as for a wrong field."""
        cls = self._model_class(model, "model_validate_json")
        return as_workflow_value(cls.model_validate_json(text))  # type: ignore[attr-defined]

    def _model_class(self, model: Any, method: str) -> type:
        cls = self._constructible(model.path) if isinstance(model, TypeValue) else None
        if cls is None or kind_of(cls) != "model":
            raise ProgramError(f"`{method}` of {model!r}, which is not a pydantic model")
        return cls

    def _constructible(self, path: str) -> type:
        cls = self.types(path)
        if cls is None:
            raise ProgramError(
                f"class {path} is not available to this runtime: a workflow constructs only the "
                "models, dataclasses and exceptions of modules in WAYMARK_USER_MODULE and builtin "
                "exceptions"
            )
        if kind_of(cls) not in _NEW_KINDS:
            raise ProgramError(f"class {path} is not a model, dataclass or exception")
        return cls

    def _real(self, value: Any) -> Any:
        """The real object for `value` (a model's field, a method's argument), charged for
        every item it copies; what it reaches twice is one object in it (`rebuild`)."""
        if type(value) in (int, str, float, bool) or value is None:
            return value
        self.bounded.charge_visit(value)
        return rebuilt(value, types=self.types)[0]

    def set_attribute(self, obj: Any, name: str, value: Any) -> None:
        """`obj.name = value`, as CPython does it: the model's or dataclass's class decides
        (frozen, assignment validation, unknown fields) by a `setattr` on a real copy; the
        structural value is then updated in place, so every name holding it sees the change."""
        kind = type(obj)
        if kind in MODEL_VALUES:
            self._set_field(obj, name, value)
        elif kind is ExceptionValue:
            if name == "args":
                obj.args = tuple(value)
                obj.message = self._text(obj)
            else:
                obj.attrs[name] = value
        elif kind is EnumValue or hasattr(obj, "__dict__"):
            raise ProgramError(f"assigning to an attribute of {kind.__name__} is not supported")
        else:
            setattr(obj, name, value)  # a plain value: always Python's own AttributeError

    def _text(self, error: ExceptionValue) -> str:
        """`str(error)` as its class makes it from the args (a `KeyError` quotes its key),
        on a real exception rebuilt from the value; `BaseException`'s rule when that fails."""
        try:
            return str(self._real(error))
        except Exception:
            args = error.args
            return "" if not args else str(args[0]) if len(args) == 1 else str(args)

    def _set_field(self, obj: ModelValue, name: str, value: Any) -> None:
        if is_workflow_object(obj):  # `self.x = ...` in a workflow: its `__dict__`
            obj.fields[name] = value
            return
        cls = self.types(obj.type)
        if cls is None:
            raise ProgramError(
                f"class {obj.type} is not available to this runtime: assigning to an attribute "
                "of a model or dataclass needs its module in WAYMARK_USER_MODULE"
            )
        if stored_as_given(cls, obj.type, name) and obj.kind == "object":
            obj.fields[name] = value  # a plain instance's `__dict__`: no copy to ask
            return
        real = self._real(obj)
        setattr(real, name, self._real(value))
        validated = obj.kind == "model" and getattr(cls, "model_config", {}).get(
            "validate_assignment"
        )
        obj.fields[name] = as_workflow_value(getattr(real, name)) if validated else value

    def enum_member(self, path: str, member: str) -> EnumValue:
        cls = self.types(path)
        if cls is None or kind_of(cls) != "enum":
            return EnumValue(path, member)
        found = cls.__members__.get(member)  # type: ignore[attr-defined]
        if found is None:
            raise AttributeError(f"type object '{cls.__name__}' has no attribute '{member}'")
        return as_workflow_value(found)  # type: ignore[no-any-return]

    def raise_value(self, value: Any) -> ExceptionValue:
        """What `raise value` raises: an exception value, or a class instantiated with no args."""
        if isinstance(value, TypeValue):
            value = self.new(value.path, [], {})
        if not isinstance(value, ExceptionValue):
            raise TypeError("exceptions must derive from BaseException")
        return value
