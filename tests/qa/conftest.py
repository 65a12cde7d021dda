"""The answer engine over the built-in index, shared by the qa tests; a module over its own small library
defines its own `engine`, which takes precedence there."""

from __future__ import annotations

import pytest

from index.search import SearchIndex
from qa.engine import AnswerEngine


@pytest.fixture(scope="module")
def engine(search_index: SearchIndex) -> AnswerEngine:
    return AnswerEngine(search_index)
