"""Text functions of the standard library a workflow may call: `string.capwords`, `html`,
`urllib.parse` (quoting, `urlencode`, `urljoin`), `textwrap`, `unicodedata.normalize` and
`base64`, with Python's results."""

from __future__ import annotations

import base64
import html
import textwrap
import unicodedata
from string import capwords
from urllib.parse import quote, quote_plus, unquote, urlencode, urljoin

from waymark import Workflow, action, workflow


@action
async def body(n: int) -> str:
    return "The quick brown fox <jumps> & over the lazy dog. " * n


@workflow
class Texts(Workflow):
    async def run(self, n: int) -> list:
        text = await body(n)
        params = {"q": "caf\u00e9 & tea", "page": n}
        token = base64.b64encode(f"user:{n}".encode()).decode()
        return [
            capwords("hello wide world"),
            html.escape(text[:40]),
            html.unescape("&lt;b&gt;"),
            quote("a b/c"),
            quote_plus("a b&c"),
            unquote("a%20b"),
            urlencode(params),
            urljoin("https://x.io/a/b", "../c"),
            textwrap.fill(text, width=30),
            textwrap.wrap(text, 25)[:3],
            textwrap.shorten(text, 40),
            textwrap.dedent("  a\n  b"),
            unicodedata.normalize("NFKD", "caf\u00e9"),
            token,
            base64.b64decode(token).decode(),
            base64.urlsafe_b64encode("\u00fb?>".encode()).decode(),
        ]


@workflow
class Translated(Workflow):
    """`str.maketrans` (from two strings and a third of characters to delete, or a dict) and
    `str.translate`, with Python's results and errors, a table kept across an await."""

    async def run(self, text: str) -> list[object]:
        table = str.maketrans("abc", "xyz", "!")
        spaced = str.maketrans({"-": " ", "_": None, "&": "and"})
        await body(1)
        out: list[object] = [
            text.translate(table), text.translate(spaced), text.translate({ord("a"): "AA"}),
            sorted(table.items()), text.translate({}),
        ]  # fmt: skip
        for bad in ("ab", {"long key": "x"}):
            try:
                out.append(str.maketrans(bad, "x") if isinstance(bad, str) else str.maketrans(bad))
            except (ValueError, TypeError) as error:
                out.append(f"{type(error).__name__}: {error}")
        return out
