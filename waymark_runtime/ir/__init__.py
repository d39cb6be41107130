"""The IR of the Waymark Runtime Language: one frozen dataclass per construct.

Read it like a grammar, in order: `expressions`, `operations` (what a workflow awaits), `patterns`,
`statements`, `workflow`; every phase uses this one namespace (`ir.If`). The compiler builds these
nodes, the `.wrl` printer and parser map them to and from text, the interpreter executes them.
Spans are attributes, not identity (`span`), so `parse(print(ir)) == ir` holds. Data only.
"""

from __future__ import annotations

from waymark_runtime.ir import expressions, operations, patterns, span, statements, workflow
from waymark_runtime.ir.expressions import *
from waymark_runtime.ir.operations import *
from waymark_runtime.ir.patterns import *
from waymark_runtime.ir.span import *
from waymark_runtime.ir.statements import *
from waymark_runtime.ir.workflow import *

WRL_VERSION = 2
# Versions the parser reads: `wrl 1` texts (absolute locations everywhere, hashed with them)
# are what stores written before `wrl 2` hold.
WRL_VERSIONS_READ = (1, 2)

# The namespace is each section's own `__all__`, as `asyncio` assembles its own.
__all__ = ["WRL_VERSION", "WRL_VERSIONS_READ"]
__all__ += span.__all__
__all__ += expressions.__all__
__all__ += operations.__all__
__all__ += patterns.__all__
__all__ += statements.__all__
__all__ += workflow.__all__
