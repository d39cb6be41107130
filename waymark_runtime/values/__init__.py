"""Workflow values: the structural value types and the JSON codec at every boundary.

Inputs, action arguments and results, workflow results and interpreter state cross process and
storage boundaries as JSON-shaped values (`encode`); they come back as structural values for the
interpreter or as the caller's real objects (`decode`). See `structural` for the value model and
`registry` for the classes a program or a stored value may construct. Nothing here imports a
module on a program's say-so.
"""

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.nesting import make_value_room
from waymark_runtime.values import model_operators  # noqa: F401  (ModelValue's operators)
from waymark_runtime.values.decode import (
    Decoder,
    as_workflow_value,
    default_factory,
    from_json,
    real_value,
    to_value,
)
from waymark_runtime.values.decode_errors import RemoteTraceback
from waymark_runtime.values.encode import Encoder, error_json, inputs_json, to_json
from waymark_runtime.values.enums import EnumValue, own_method, plain_value, real_member
from waymark_runtime.values.exception_values import (
    ExceptionCarrier,
    ExceptionValue,
    chained_value,
    exception_value,
)
from waymark_runtime.values.model_values import (
    MODEL_KINDS,
    MODEL_VALUES,
    IndexedModelValue,
    ModelValue,
)
from waymark_runtime.values.registry import (
    add_user_module,
    find_class,
    find_standard_class,
    kind_of,
)
from waymark_runtime.values.structural import (
    DEFAULT_FACTORIES,
    DEFAULT_FACTORY_PATHS,
    JSON,
    MISSING,
    TypeResolver,
    TypeValue,
    lineage,
    short_name,
    type_name,
    type_path,
)
from waymark_runtime.values.text import check_storable, unstorable

STRUCTURAL_VALUES = MODEL_VALUES | {ExceptionValue, EnumValue}
"""The classes of the values that stand for a user's objects (models, dataclasses, exceptions,
enum members), for a check of the exact class."""

__all__ = [
    "DEFAULT_FACTORIES",
    "DEFAULT_FACTORY_PATHS",
    "JSON",
    "MISSING",
    "MODEL_KINDS",
    "MODEL_VALUES",
    "STRUCTURAL_VALUES",
    "Decoder",
    "Encoder",
    "EnumValue",
    "ExceptionCarrier",
    "ExceptionValue",
    "IndexedModelValue",
    "ModelValue",
    "RemoteTraceback",
    "TypeResolver",
    "TypeValue",
    "ValueNotSerializable",
    "add_user_module",
    "as_workflow_value",
    "chained_value",
    "check_storable",
    "default_factory",
    "error_json",
    "exception_value",
    "find_class",
    "find_standard_class",
    "from_json",
    "inputs_json",
    "kind_of",
    "lineage",
    "own_method",
    "plain_value",
    "real_member",
    "real_value",
    "short_name",
    "to_json",
    "to_value",
    "type_name",
    "type_path",
    "unstorable",
]

make_value_room()  # every process that stores or reads values handles VALUE_NESTING levels
