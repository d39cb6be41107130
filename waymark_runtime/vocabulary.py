"""The pure builtins and methods a workflow may call, by name: one list for both sides.

The compiler lowers calls only to these names and the interpreter runs only these, so a stored
program cannot reach a function the compiler would have refused. Data only.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PURE_BUILTINS = _words(
    "len min max sum sorted abs round str int float bool any all zip range enumerate dict "
    "list set frozenset tuple isinstance reversed divmod pow"
)

# Methods by name (receivers are untyped at compile time); the interpreter allows each on the
# plain values that have it. `format` is deliberately absent (the compiler says: f-strings).
PURE_METHODS = _words(
    # str
    "capitalize casefold center count endswith expandtabs find index isalnum isalpha "
    "isascii isdecimal isdigit isidentifier islower isnumeric isspace istitle isupper join "
    "ljust lower lstrip partition removeprefix removesuffix replace rfind rindex rjust "
    "rpartition rsplit rstrip split splitlines startswith strip swapcase title upper zfill "
    # list
    "append clear copy extend insert pop remove reverse sort "
    # dict
    "get items keys popitem setdefault update values "
    # set
    "add difference difference_update discard intersection intersection_update isdisjoint "
    "issubset issuperset symmetric_difference symmetric_difference_update union "
    # date, datetime, time, timedelta (`strftime` is absent: its names follow the locale; the
    # clock readers `now`, `today`, `timestamp`, `astimezone` too)
    "date time isoformat isoweekday isocalendar weekday toordinal ctime total_seconds "
    "utcoffset tzname dst"
)

# `timedelta(...)`, positional or keyword arguments as in Python: the one constructor of a standard value the interpreter provides besides the builtins.
DURATION = "timedelta"
