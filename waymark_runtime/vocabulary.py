"""The pure builtins and methods a workflow may call, by name: one list for both sides.

The compiler lowers calls only to these names and the interpreter runs only these, so a stored
program cannot reach a function the compiler would have refused. Data, and the lookup of a
standard function by its name.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PURE_BUILTINS = _words(
    "len min max sum sorted abs round str int float bool any all zip range enumerate dict "
    "list set frozenset tuple isinstance reversed divmod pow repr ascii chr ord next iter getattr "
    "hasattr hex oct bin"
)

# Methods by name (receivers are untyped at compile time); the interpreter allows each on the
# plain values that have it. `format` is deliberately absent (the compiler says: f-strings).
PURE_METHODS = _words(
    # str
    "capitalize casefold center count endswith expandtabs find index isalnum isalpha "
    "isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle "
    "isupper join "
    "ljust lower lstrip partition removeprefix removesuffix replace rfind rindex rjust "
    "rpartition rsplit rstrip split splitlines startswith strip swapcase title upper zfill "
    "translate "
    # str and bytes
    "encode decode hex "
    # named tuples (and `urlparse`'s result)
    "_replace _asdict geturl "
    # list (and deque)
    "append clear copy extend insert pop remove reverse sort "
    "appendleft popleft extendleft rotate "
    # dict (and Counter, OrderedDict)
    "get items keys popitem setdefault update values most_common subtract total move_to_end "
    "elements "
    # ChainMap
    "new_child "
    # set
    "add difference difference_update discard intersection intersection_update isdisjoint "
    "issubset issuperset symmetric_difference symmetric_difference_update union "
    # date, datetime, time, timedelta (the clock readers `now` and `today` are absent, and
    # `astimezone` runs only with a zone given, `timestamp` only of a datetime with a zone;
    # `strftime` names days and months as the C locale does, as in any Python process that has
    # not called `locale.setlocale`)
    "date time isoformat isoweekday isocalendar weekday toordinal ctime total_seconds "
    "utcoffset tzname dst strftime astimezone timestamp "
    # pydantic models, and a pydantic `ValidationError`
    "model_dump model_dump_json model_copy errors error_count "
    # int, float
    "bit_length bit_count as_integer_ratio is_integer limit_denominator to_bytes "
    # pathlib.PurePosixPath (no file system: `Path` is refused)
    "with_name with_suffix with_stem joinpath relative_to is_relative_to is_absolute as_posix "
    # compiled regular expressions and their matches (`interpreter.regexes`)
    "match search fullmatch findall finditer sub subn group groups groupdict start end span "
    # Decimal (bounded by the context's precision)
    "quantize normalize is_signed is_zero copy_abs copy_negate copy_sign adjusted is_nan "
    "is_infinite is_finite sqrt exp ln log10 to_integral_value as_tuple "
    # `string.Template` (`interpreter.library`: each value substituted is charged as it is read)
    "substitute safe_substitute get_identifiers is_valid "
    # `io.StringIO` and the `csv` writers (`interpreter.csv_writers`)
    "write getvalue read readline readlines seek tell writerow writerows writeheader "
    # an exception's notes (`interpreter.exception_notes`), a generator helper's `send`
    "add_note send "
    # a seeded `random.Random` (`interpreter.seeded_random`)
    "random uniform randint randrange choice choices shuffle sample getrandbits gauss "
    "normalvariate triangular expovariate"
)

# Functions of standard modules, by qualified name: pure, and cheap for any argument a workflow
# can hold (`factorial`, `comb` and `perm`, whose results grow without bound, are refused
# before the work past `WAYMARK_MAX_INT_DIGITS`: `Bounded._combinatorial`). Written
# `` `math.ceil`(x) `` in `.wrl`.
PURE_FUNCTIONS = frozenset(
    f"math.{name}"
    for name in _words(
        "ceil floor trunc fabs copysign fmod remainder modf frexp ldexp isclose isfinite isinf "
        "isnan sqrt isqrt exp expm1 log log1p log2 log10 pow hypot dist fsum prod gcd lcm "
        "degrees radians sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh "
        "factorial comb perm"
    )
)

# Constructors and functions of other standard modules, by qualified name: pure, and bounded
# by their arguments (`json.dumps` has a guard of its own: an `indent` multiplies its output).
STANDARD_FUNCTIONS = _words(
    "datetime.date datetime.datetime datetime.time datetime.date.fromisoformat "
    "datetime.datetime.fromisoformat datetime.time.fromisoformat datetime.datetime.combine "
    "datetime.datetime.strptime datetime.datetime.fromtimestamp "
    "datetime.date.fromordinal datetime.date.fromisocalendar decimal.Decimal fractions.Fraction "
    "pathlib.PurePosixPath pathlib.PurePath "
    "statistics.mean statistics.fmean statistics.median statistics.median_low "
    "statistics.median_high statistics.mode statistics.multimode statistics.pstdev "
    "statistics.stdev statistics.pvariance statistics.variance statistics.quantiles "
    "statistics.harmonic_mean statistics.geometric_mean statistics.correlation "
    "statistics.covariance json.dumps json.loads "
    "datetime.timezone zoneinfo.ZoneInfo calendar.monthrange calendar.isleap calendar.leapdays "
    "calendar.weekday "
    # text: each result at most a small multiple of its arguments' size
    "string.capwords html.escape html.unescape urllib.parse.quote urllib.parse.quote_plus "
    "urllib.parse.unquote urllib.parse.unquote_plus urllib.parse.urlencode urllib.parse.urldefrag "
    "urllib.parse.urljoin urllib.parse.urlparse urllib.parse.urlsplit urllib.parse.urlunparse "
    "string.Template urllib.parse.urlunsplit urllib.parse.parse_qs urllib.parse.parse_qsl textwrap.dedent textwrap.fill textwrap.wrap textwrap.shorten textwrap.indent "
    "unicodedata.normalize unicodedata.combining unicodedata.category base64.b64encode base64.b64decode base64.urlsafe_b64encode "
    "base64.urlsafe_b64decode builtins.str.maketrans hmac.compare_digest "
    # checksums of bytes: the same bytes give the same number in every process
    "zlib.crc32 zlib.adler32 "
    # shell-style globs, matched by `re` patterns `fnmatch` builds without nested repeats
    "fnmatch.fnmatch fnmatch.fnmatchcase fnmatch.filter "
    # the functions of builtin classes: `int.from_bytes(data, "big")`, `bytes.fromhex(text)`
    "builtins.int.from_bytes builtins.bytes.fromhex builtins.float.fromhex "
    # name-based ids: the same namespace and name give the same id in every process
    "uuid.UUID uuid.uuid3 uuid.uuid5 "
    # CSV text read as Python reads it: lazily, from the lines of a string (`io.StringIO`)
    "io.StringIO csv.reader csv.DictReader csv.writer csv.DictWriter"
)

# Functions of `dataclasses` a workflow may call on a dataclass value (the interpreter runs them
# on a real instance rebuilt from it, `interpreter.models`).
DATACLASS_FUNCTIONS = _words(
    "dataclasses.replace dataclasses.asdict dataclasses.astuple dataclasses.is_dataclass "
    "dataclasses.fields"
)

# `copy.copy` and `copy.deepcopy` of a workflow value (`interpreter.library`: Python's own, on
# the values themselves, which copy as the objects they stand for do).
COPY_FUNCTIONS = _words("copy.copy copy.deepcopy")

# `itertools` functions a workflow may call (bounded: `interpreter.iterators`); `groupby` is
# called with (key, item) pairs the compiler builds (`lower.functional`).
ITERTOOLS_FUNCTIONS = _words(
    "itertools.chain itertools.chain.from_iterable itertools.product itertools.combinations "
    "itertools.combinations_with_replacement itertools.permutations itertools.islice "
    "itertools.pairwise itertools.zip_longest itertools.accumulate itertools.count "
    "itertools.cycle itertools.repeat itertools.compress"
)

# `f.__name__` and `f.__qualname__`: read from a function value (an action, a helper) or a
# class value, by its path or its program (`interpreter.calling`).
FUNCTION_NAMES = frozenset({"__name__", "__qualname__"})

# `functools.partial(action, *args, **keywords)`: a partial of an action value (or of a partial
# of one), awaited as a computed action call (`values.callables`).
PARTIAL = "functools.partial"

# `functools.reduce(f, xs, start)`: the compiler applies `f` in a generator expression over
# the accumulator (`lower.functional`); `start` makes the iterator of `xs` and the first
# accumulator (or the first item) with CPython's errors, `result` takes the last accumulator.
# `itertools.takewhile(f, xs)` and `dropwhile(f, xs)`: the compiler pairs each item with `f`'s
# answer in a generator expression; these read the pairs lazily, so `f` is called exactly where
# CPython calls it (`dropwhile` reads the rest of the items from the iterator `it` the pairs are
# made of, without `f`).
TAKE_WHILE = "itertools.takewhile.pairs"
DROP_WHILE = "itertools.dropwhile.pairs"
# `itertools.accumulate(xs, f)`: the compiler's generator rebinds the running value to
# `f(total, x)` as `reduce`'s does; `start` makes the iterator and the first value (if any),
# `result` gives the first value, then the generator's, lazily.
ACCUMULATE_START = "itertools.accumulate.start"
ACCUMULATE_RESULT = "itertools.accumulate.result"
# `itertools.starmap(f, xs)`: the compiler applies `f` in a generator expression over the
# argument tuples `STARMAP_ITEMS` makes of `xs`, checked against `f`'s parameters.
STARMAP_ITEMS = "itertools.starmap.items"
# A cell of a variable a closure keeps (`lower.cells`) is a dict holding it under key 0, empty
# while the variable is unbound: `CELL_BOUND(cell, name, free)` gives the cell to read from
# once it holds a value, else raises CPython's error for the unbound variable (a `NameError`
# about a free variable inside a closure, `free`; an `UnboundLocalError` in its own function).
CELL_BOUND = "cell.bound"
# `try ... except* E as eg:` (`lower.except_star`): `EXCEPT_STAR_SPLIT(rest, *classes)` gives
# the part of what is left that a clause's classes match and the part still left (a naked
# exception wrapped in a group), `EXCEPT_STAR_ENTER(part)` raises the part where the clause's
# body handles it, `EXCEPT_STAR_LEAVE(orig, raised, rest)` raises what the statement lets out
# (`interpreter.exception_groups`).
EXCEPT_STAR_SPLIT = "except_star.split"
EXCEPT_STAR_ENTER = "except_star.enter"
EXCEPT_STAR_LEAVE = "except_star.leave"
# `map(f, xs)` and `filter(f, xs)`: the compiler's generator expression, marked by `GOES_ON` as
# an iterator that an error of `f` does not end (CPython's map and filter go on with the next
# item; a generator ends for good).
GOES_ON = "builtins.map.goes_on"
REDUCE_START = "functools.reduce.start"
REDUCE_RESULT = "functools.reduce.result"

# `heapq` functions a workflow may call on a list (bounded: `interpreter.standard`);
# `nlargest`/`nsmallest` with a `key=` are lowered to `sorted` by the compiler.
HEAPQ_FUNCTIONS = _words(
    "heapq.heappush heapq.heappop heapq.heapify heapq.heappushpop heapq.heapreplace "
    "heapq.nlargest heapq.nsmallest heapq.merge"
)

# `bisect` functions a workflow may call on a sorted list (bounded: `interpreter.standard`),
# without `key=` (a function); `insort` changes the list in place, as `heappush` does.
BISECT_FUNCTIONS = _words(
    "bisect.bisect bisect.bisect_left bisect.bisect_right bisect.insort bisect.insort_left "
    "bisect.insort_right"
)

# `hashlib.sha256(data).hexdigest()` (or `.digest()`): one call of the digest function,
# `` `hashlib.digest`('sha256', 'hexdigest', data) `` in `.wrl`; a hash object is not a value.
DIGEST = "hashlib.digest"
# `hmac.new(key, msg, hashlib.sha256).hexdigest()` (or `digestmod="sha256"`, or `.digest()`) as
# one call: `` `hmac.digest`('sha256', 'hexdigest', key, msg) ``.
HMAC_DIGEST = "hmac.digest"
HASH_ALGORITHMS = _words(
    "md5 sha1 sha224 sha256 sha384 sha512 sha3_224 sha3_256 sha3_384 sha3_512 blake2b blake2s"
)

# `datetime.fromtimestamp(ts, tz)` (of `STANDARD_FUNCTIONS`) runs only with a zone given, as
# `astimezone` does: without one both read the machine's own. How to pass one, by name.
FROM_TIMESTAMP = "datetime.datetime.fromtimestamp"
ZONE_EXAMPLES = {
    "astimezone()": "`moment.astimezone(ZoneInfo('Europe/Paris'))`",
    "fromtimestamp()": "`datetime.fromtimestamp(seconds, tz=timezone.utc)`",
}

# `re` functions a workflow may call (`interpreter.regexes`: Python's syntax and errors, matched
# by an engine that can be stopped); `re.purge` and the rest are refused.
RE_FUNCTIONS = _words(
    "re.compile re.escape re.match re.search re.fullmatch re.findall re.finditer re.split "
    "re.sub re.subn"
)

# `re.sub(pattern, f, string)` with a function `f` (and `subn`, and a pattern's `sub`/`subn`):
# the compiler calls `f` on each match in a generator expression over what `SUBSTITUTION[name]`
# returns (the matches to replace), and `SUBSTITUTED` joins the text and the replacements.
# A compiled pattern's own `pattern.sub(f, text)` is lowered the same way, the pattern first.
SUBSTITUTION = {
    "re.sub": "re.sub.matches",
    "re.subn": "re.subn.matches",
    "sub": "re.Pattern.sub.matches",
    "subn": "re.Pattern.subn.matches",
}
SUBSTITUTED = "re.sub.join"

# The default factories a `defaultdict` may have, by name: builtin types and the standard value
# classes that build an empty or zero value when called with nothing (a function's behaviour
# cannot be stored). `defaultdict(list)` is `` `collections.defaultdict`(type builtins:list) ``
# in `.wrl`, `defaultdict(Decimal)` is `` `collections.defaultdict`(type decimal:Decimal) ``.
DEFAULT_FACTORY_TYPES = ("list", "dict", "set", "frozenset", "tuple", "int", "float", "str", "bool")
DEFAULT_FACTORY_CLASSES = (
    "decimal:Decimal",
    "fractions:Fraction",
    "collections:Counter",
    "collections:OrderedDict",
    "collections:deque",
)

# Constants of standard modules a workflow may read, by qualified name (`math.inf` and
# `math.nan` are compiled to `float('inf')` and `float('nan')`).
PURE_CONSTANTS = _words(
    "math.pi math.e math.tau math.inf math.nan decimal.ROUND_HALF_UP decimal.ROUND_HALF_DOWN "
    "decimal.ROUND_HALF_EVEN decimal.ROUND_UP decimal.ROUND_DOWN decimal.ROUND_CEILING "
    "decimal.ROUND_FLOOR decimal.ROUND_05UP datetime.timezone.utc datetime.UTC "
    "datetime.datetime.min datetime.datetime.max datetime.date.min datetime.date.max "
    "datetime.time.min datetime.time.max datetime.MINYEAR datetime.MAXYEAR "
    "uuid.NAMESPACE_DNS uuid.NAMESPACE_URL uuid.NAMESPACE_OID uuid.NAMESPACE_X500 "
    "string.ascii_letters string.ascii_lowercase string.ascii_uppercase string.digits "
    "string.hexdigits string.octdigits string.punctuation string.whitespace string.printable "
    # the names of months and days (the C locale's, as a process that never calls
    # `locale.setlocale` has them), compiled to lists of their strings
    "calendar.month_name calendar.month_abbr calendar.day_name calendar.day_abbr "
    # the days of the week (`date.weekday()`'s numbers), compiled to their int values
    "calendar.MONDAY calendar.TUESDAY calendar.WEDNESDAY calendar.THURSDAY calendar.FRIDAY "
    "calendar.SATURDAY calendar.SUNDAY "
    # `re` flags, compiled to their int values
    "re.IGNORECASE re.I re.MULTILINE re.M re.DOTALL re.S re.VERBOSE re.X re.ASCII re.A "
    "re.UNICODE re.U re.NOFLAG "
    # `csv` quoting styles, compiled to their int values
    "csv.QUOTE_MINIMAL csv.QUOTE_ALL csv.QUOTE_NONNUMERIC csv.QUOTE_NONE"
)

# `type(x).__name__` (and `x.__class__.__name__`): the class name of a value, the one thing a
# workflow may ask of its class.
TYPE_NAME = "type.__name__"
TYPE_IS = "type.is"  # `type(x) is T`: the exact class
# One step of `yield from it` in a generator helper: `(False, item)` or `(True, return value)`.
DELEGATE_STEP = "generator.step"
TYPE_OF = "type.of"  # `type(x)` as a value: the exact class, a class value
IS_SUBCLASS = "type.is_subclass"  # `issubclass(cls, T)`, `T` as `isinstance` takes it
# `str.upper(s)`, a method called through its builtin type: `s` checked to be a `str` (Python's
# `TypeError` otherwise), then `s.upper()`.
RECEIVER_OF = "type.receiver"

# `Color(raw)`: the member of that value, from a table of the class's literal values the
# compiler wrote (`` `enum.by_value`({'red': enum m:Color.RED}, raw, 'Color') ``).
ENUM_LOOKUP = "enum.by_value"

# `for c in Channel`: the members the compiler listed, those a `Flag`'s iteration leaves out
# (multi-bit and zero members, as `list(Perm)` does) taken out when the class is loaded
# (`` `enum.members`((enum m:Perm.R, ...)) ``).
ENUM_MEMBERS = "enum.members"

# `Item.model_validate(data)` of a pydantic model: pydantic's own validation of `data`, by the
# class the compiler names (`` `pydantic.model_validate`(type m:Item, data) ``).
MODEL_VALIDATE = "pydantic.model_validate"
# `Item.model_validate_json(text)`: pydantic's own parsing and validation of a JSON string.
MODEL_VALIDATE_JSON = "pydantic.model_validate_json"
MODEL_VALIDATORS = {"model_validate": MODEL_VALIDATE, "model_validate_json": MODEL_VALIDATE_JSON}

# `timedelta(...)`, positional or keyword arguments as in Python: the one constructor of a standard value the interpreter provides besides the builtins.
DURATION = "timedelta"


def standard_function(qualname: str) -> Any:
    """What a standard module's dotted name denotes (`datetime.date.fromisoformat` of
    `STANDARD_FUNCTIONS`, `decimal.ROUND_HALF_UP` of `PURE_CONSTANTS`)."""
    parts = qualname.split(".")
    found: Any = importlib.import_module(parts[0])
    for index, part in enumerate(parts[1:], start=2):
        if isinstance(found, ModuleType) and not hasattr(found, part):
            # a submodule nothing imported yet (`urllib.parse`): importing `urllib` alone
            # does not load it
            found = importlib.import_module(".".join(parts[:index]))
        else:
            found = getattr(found, part)
    return found


FORMATTING = frozenset({"format", "format_map"})
"""The `str` methods that fill a template (`interpreter/formatting.py`), when the compiler could
not write the call as an f-string."""

# `getattr`/`hasattr(self, name)` of a computed name on the workflow object: looked up in the
# class's constants and methods the compiler listed, then in the run's own attributes
# (`` `self.lookup`('getattr', _wm_self, {'LIMIT': 5}, ('helper', 'run'), name) ``).
SELF_LOOKUP = "self.lookup"
SELF_VARS = "self.vars"  # `vars(self)`: the object's dict, `__init__`'s constants first
SELF_DELATTR = "self.delattr"  # `delattr(self, 'x')`
