"""The standard names a program may call resolve whatever the process imported before."""

from __future__ import annotations

import sys
import urllib

import pytest

from waymark_runtime.vocabulary import STANDARD_FUNCTIONS, standard_function


def test_a_submodule_nothing_imported_yet_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    # as in a fresh process (Python 3.13 loads no `urllib.parse` at startup)
    monkeypatch.delitem(sys.modules, "urllib.parse", raising=False)
    monkeypatch.delattr(urllib, "parse", raising=False)
    quote = standard_function("urllib.parse.quote")
    assert quote("a b/c") == "a%20b/c"


@pytest.mark.parametrize("name", sorted(STANDARD_FUNCTIONS))
def test_every_standard_function_resolves_to_a_callable(name: str) -> None:
    assert callable(standard_function(name))
