"""The size limits every phase shares, as `nesting` holds the depth limit.

A list, tuple, set or dict display costs the compiler (libcst's tree, positions, lowering) and
the `.wrl` parser (a dozen grammar reductions per item) tens of microseconds per item: 200,000
items took minutes to compile and to load. The compiler refuses larger displays (WM139) and
the parser larger brackets, so a program's text stays quick to compile, store and load.
"""

from __future__ import annotations

MAX_DISPLAY_ITEMS = 10_000
"""Items of one display (`[...]`, `(...)`, `{...}`), and arguments of one call in `.wrl` text."""
