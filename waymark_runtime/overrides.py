"""What runs for an action under `LocalRuntime`: a test's replacement, else the registered function.

A compiled program names its actions by path (`app.flows:ship`), so rebinding a name after the
program was compiled would change nothing by itself. `LocalRuntime` looks again at every attempt:

- an explicit replacement, `LocalRuntime(actions={ship: fake_ship})`, wins;
- else the action's current binding, as a monkeypatch leaves it: the attribute at its own path
  (`monkeypatch.setattr(app.flows, "ship", fake)`) or any global name that bound the action in a
  workflow's module when the workflow was decorated (`from app.actions import ship` there, then
  `monkeypatch.setattr(flows, "ship", fake)`); a binding that is still the action is no change.

`dependencies={get_emailer: fake_emailer}` replaces `Depends` providers, as FastAPI's
`dependency_overrides` do. Worker processes never consult any of this.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from waymark_runtime.actions import Action

_MISSING = object()
# action path -> (module, global name) pairs that bound it when a workflow was decorated
_SITES: dict[str, set[tuple[str, str]]] = {}


def remember_bindings(module_name: str) -> None:
    """Note which global names of `module_name` bind actions now, before a test rebinds them."""
    module = sys.modules.get(module_name)
    if module is None:
        return
    for name, value in list(vars(module).items()):
        if isinstance(value, Action):
            _SITES.setdefault(value.path, set()).add((module_name, name))


@dataclass(frozen=True, slots=True)
class Overrides:
    """A test's replacements for actions (by `Action` or path) and for dependency providers."""

    actions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    dependencies: Mapping[Callable[..., Any], Callable[..., Any]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        actions: Mapping[Any, Callable[..., Any]] | None,
        dependencies: Mapping[Callable[..., Any], Callable[..., Any]] | None,
    ) -> Overrides:
        by_path = {_path_of(key): value for key, value in (actions or {}).items()}
        return cls(by_path, dict(dependencies or {}))

    def replacement(self, path: str) -> Callable[..., Any] | None:
        """What runs instead of the action at `path`, or None for the registered function."""
        if path in self.actions:
            return self.actions[path]
        return current_binding(path)


def current_binding(path: str) -> Callable[..., Any] | None:
    """A name that bound the action at `path` and is now bound to something else (a patch)."""
    module_name, _, qualname = path.partition(":")
    sites = [(module_name, qualname), *sorted(_SITES.get(path, ()))]
    for module_name, name in sites:
        module = sys.modules.get(module_name)
        value = _MISSING if module is None else _attribute(module, name)
        if value is _MISSING or (isinstance(value, Action) and value.path == path):
            continue
        if callable(value):
            replacement: Callable[..., Any] = value
            return replacement
    return None


def _attribute(module: ModuleType, dotted: str) -> Any:
    value: Any = module
    for part in dotted.split("."):
        value = getattr(value, part, _MISSING)
        if value is _MISSING:
            break
    return value


def _path_of(key: Any) -> str:
    if isinstance(key, Action):
        return key.path
    if isinstance(key, str) and ":" in key:
        return key
    raise TypeError(
        f"LocalRuntime(actions=...) keys are @action functions or 'module:name' paths, got {key!r}"
    )
