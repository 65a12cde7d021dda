"""The parser version covers the code whose output an index stores per document.

An index is rebuilt when `corpus.store.PARSER_VERSION` changes; an incremental build reuses each unchanged
document's prepared data (chunks, units, tokens, roles, legend flags) under the same version. A change to the
parse or to `index.prepare`'s derivations without a bump would leave every existing index serving the old
data. This test pins the code (without comments and docstrings) to the version: when it fails, bump
`PARSER_VERSION` if what an index stores can change, then update the digest here.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from corpus.store import PARSER_VERSION

ROOT = Path(__file__).resolve().parents[2]
# What a document's stored data is computed from: the parse, and the index-time derivations.
PREPARED_FROM = sorted(
    [p for p in (ROOT / "corpus").glob("*.py") if p.name not in ("__init__.py", "errors.py")]
    + [ROOT / "index" / name for name in ("prepare.py", "units.py", "chunking.py", "roles.py", "glossary.py",
                                          "lexical.py")])
PINNED = {"8": "933c5c6b7e2b3ccf6b7cac0c6280cd48807619b600d20db10d1019cf23b8665f"}  # + what a review says it covers


def _code(path: Path) -> str:
    """The module's code as the interpreter reads it, without docstrings (comments are not in the tree)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            body.pop(0)
    return ast.unparse(tree)


def code_digest() -> str:
    digest = hashlib.sha256()
    for path in PREPARED_FROM:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + _code(path).encode() + b"\0")
    return digest.hexdigest()


def test_the_stored_data_code_is_pinned_to_the_parser_version() -> None:
    digest = code_digest()
    assert PINNED.get(PARSER_VERSION) == digest, (
        f"the code an index stores per document changed (digest {digest}, parser version {PARSER_VERSION}): "
        "bump corpus.store.PARSER_VERSION if what an index stores can change, then pin the new digest in "
        "tests/index/test_parser_version.py")


def test_comments_and_docstrings_do_not_count(tmp_path: Path) -> None:
    plain = tmp_path / "a.py"
    plain.write_text('def f(x):\n    return x + 1\n', encoding="utf-8")
    noted = tmp_path / "b.py"
    noted.write_text('"""Module."""\n# why\ndef f(x):\n    """Adds one."""\n    return x + 1  # note\n',
                     encoding="utf-8")
    changed = tmp_path / "c.py"
    changed.write_text('def f(x):\n    return x + 2\n', encoding="utf-8")
    assert _code(plain) == _code(noted) != _code(changed)
