"""Locating and reading other modules' sources without importing them.

`Finder.namespace("app.actions")` walks package paths with `importlib.machinery.PathFinder` (the
compiled file's root first, then `sys.path`), parses the file with libcst and scans its bindings.
Parsed files are cached by path and modification time; no user code ever runs here.
"""

from __future__ import annotations

import functools
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib.machinery import PathFinder
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node

from waymark_compiler.files import describe, read_source
from waymark_compiler.namespace import ImportModule, ImportName, Namespace, module_namespace
from waymark_compiler.source import Source, parse
from waymark_compiler.tables import MUTATING_METHODS
from waymark_compiler.walk import Reader, walk

PRELUDE = "waymark_compiler.prelude"
_PARSED: dict[tuple[str, int, int], Source | str] = {}
_OWN = Path(__file__).resolve().parent.parent
_INSTALLED = tuple(
    {Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib", "purelib")}
    | {_OWN / package for package in ("waymark", "waymark_compiler", "waymark_runtime")}
)
"""Where the standard library, installed packages and Waymark itself live: not the user's code."""


def compiled_with(namespace: Namespace, module: str) -> bool:
    """Whether a workflow of `module` compiles top-level definitions of `namespace` (its
    functions, its base classes) as its own: those of its module, or of another module of the
    user's code (not the standard library, an installed package or Waymark)."""
    if namespace.qualprefix:
        return False
    if namespace.module == PRELUDE:  # functions standard calls are lowered to (`prelude`)
        return True
    return namespace.module == module or _is_project_source(namespace.source.path)


def is_installed(namespace: Namespace) -> bool:
    """Whether `namespace` is of the standard library, an installed package or Waymark."""
    return not _is_project_source(namespace.source.path)


@functools.lru_cache(maxsize=1024)
def _is_project_source(path: str) -> bool:
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):
        return False
    return not any(resolved.is_relative_to(root) for root in _INSTALLED)


def package_root(path: Path) -> tuple[Path, str]:
    """The directory to import `path` from and its dotted module name (walks up `__init__.py`)."""
    path = path.resolve()
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").exists():
        parts.insert(0, directory.name)
        directory = directory.parent
    return directory, ".".join(parts)


def _locate(module: str, roots: list[str]) -> tuple[Path | None, bool] | None:
    """The source file of a dotted module (None: no Python source) and whether it is a package,
    or None when there is no such module."""
    search: list[str] | None = roots
    origin: str | None = None
    prefix = ""
    for part in module.split("."):
        prefix = f"{prefix}.{part}" if prefix else part
        if search is None:
            return None
        try:
            spec = PathFinder.find_spec(prefix, search)
        except KeyError:  # a namespace package in one not imported here (`opentelemetry.sdk`):
            # importlib reads the outer package's path from `sys.modules`; its portions are
            # the directories of that name
            search = [str(Path(place, part)) for place in search if Path(place, part).is_dir()]
            origin = None
            continue
        if spec is None:
            return None
        locations = spec.submodule_search_locations
        search = list(locations) if locations is not None else None
        origin = spec.origin
    is_package = search is not None
    if origin is None or not origin.endswith(".py"):
        return None, is_package
    return Path(origin), is_package


def _read(path: Path) -> Source | str:
    """The parsed module, or why Python could not import it (a syntax error, bytes that are
    not its encoding)."""
    try:
        stat = path.stat()
    except OSError as failure:
        return describe(failure)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        try:
            text = read_source(path)  # as Python reads it: a `coding:` line is honoured
        except (OSError, UnicodeDecodeError, SyntaxError) as failure:
            _PARSED[key] = describe(failure) if isinstance(failure, OSError) else str(failure)
        else:
            parsed = parse(text, str(path))
            _PARSED[key] = (
                parsed
                if isinstance(parsed, Source)
                else f"{parsed.message} at line {parsed.span.line}"
            )
    return _PARSED[key]


@dataclass(slots=True)
class Finder:
    """Module namespaces by dotted name, for one compilation."""

    roots: list[str]
    loaded: dict[str, Namespace | None] = field(default_factory=dict)
    opaque: set[str] = field(default_factory=set)  # modules that exist without Python source
    unreadable: dict[str, str] = field(default_factory=dict)  # opaque ones whose source is bad
    changed: dict[str, frozenset[str]] = field(default_factory=dict)  # see `changed_names`
    compiled: set[str] = field(default_factory=set)  # the modules being compiled (`add`)

    def changed_names(self, namespace: Namespace) -> frozenset[str]:
        """The names a module changes in place anywhere in its text outside its workflow
        classes (`T[k] = v`, `del T[k]`, `T.append(x)`, `global T`): never constant tables,
        whatever their literal."""
        key = namespace.source.path
        if key not in self.changed:
            self.changed[key] = _changed_names(namespace.source.module)
        return self.changed[key]

    def imported_table(self, namespace: Namespace, name: str) -> bool:
        """Whether `name`, a table of `namespace` (a module of the user's code other than the
        ones compiled), is bound once and never changed in place: by its own module's text,
        nor by a compiled module through an import of it (`OPS[k] = v` after
        `from tools import OPS`, `tools.OPS[k] = v` after `import tools`)."""
        if namespace.qualprefix or is_installed(namespace):
            return False
        if name in self.changed_names(namespace):
            return False
        return not any(self._changes(module, namespace.module, name) for module in self.compiled)

    def _changes(self, importer: str, module: str, name: str) -> bool:
        """Whether compiled module `importer` changes `module`'s `name` in place."""
        found = self.loaded.get(importer)
        if found is None:
            return False
        for changed in self.changed_names(found):
            for binding in found.bindings.get(changed, ()):
                if binding == ImportName(module, name):
                    return True
                if isinstance(binding, ImportName):  # `from package import module`
                    binding = ImportModule(f"{binding.module}.{binding.name}")
                if isinstance(binding, ImportModule) and f"{module}.".startswith(
                    f"{binding.module}."
                ):
                    return True
        return False

    @classmethod
    def for_path(cls, path: str) -> Finder:
        candidate = Path(path)
        # The file need not exist (source given as text); its directory still anchors imports.
        anchored = not path.startswith("<") and candidate.parent.is_dir()
        roots = [str(package_root(candidate)[0])] if anchored else []
        return cls([*roots, *(entry or "." for entry in sys.path)])

    def add(self, namespace: Namespace) -> None:
        """Register the module being compiled, so imports of it see this text, not the disk."""
        self.loaded[namespace.module] = namespace
        self.compiled.add(namespace.module)

    def namespace(self, module: str) -> Namespace | None:
        if module not in self.loaded:
            self.loaded[module] = None  # a cycle while loading resolves to "unknown"
            found = _locate(module, self.roots)
            source = _read(found[0]) if found and found[0] else None
            if found and isinstance(source, Source):
                self.loaded[module] = module_namespace(source, module, found[1])
            elif found or module.split(".")[0] in sys.builtin_module_names:
                self.opaque.add(module)
            if isinstance(source, str):
                self.unreadable[module] = source
        return self.loaded[module]


def _changed_names(module: cst.Module) -> frozenset[str]:
    found: set[str] = set()

    class Visitor(Reader):
        def _root(self, node: cst.BaseExpression) -> None:
            while isinstance(node, cst.Subscript | cst.Attribute):
                node = node.value
            if isinstance(node, cst.Name):
                found.add(node.value)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            if isinstance(node.target, cst.Subscript | cst.Attribute):
                self._root(node.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._root(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if isinstance(node.target, cst.Subscript | cst.Attribute):
                self._root(node.target)

        def visit_Del(self, node: cst.Del) -> None:
            self._root(node.target)

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in MUTATING_METHODS:
                self._root(func.value)

        def visit_Global(self, node: cst.Global) -> None:
            found.update(item.name.value for item in node.names)

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            # A workflow's own changes are refused where it is compiled (WM132), not here.
            names = (get_full_name_for_node(d.decorator) or "" for d in node.decorators)
            return not any(name.split(".")[-1] == "workflow" for name in names)

    walk(module, Visitor())
    return frozenset(found)
