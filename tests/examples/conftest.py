"""The examples are imported by their file names (`welcome_email`), as `waymark run` and the
compiler name them, so their action paths (`welcome_email:send_email`) resolve here too."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))
