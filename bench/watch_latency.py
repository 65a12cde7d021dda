"""How long a served library takes to serve a file added to, changed in or removed from its corpus folder
(`api/watch.py`), against rebuilding the same library's index from nothing (the baseline), in the same run.

    .venv/bin/python bench/watch_latency.py [--abstracts 1000] [--rounds 3]

The library is PubMedQA abstracts (the project's copy, one markdown file each), indexed once, then served by the
real app (real model, lifespan and watcher, through TestClient). Each round adds one abstract, rewrites one and
removes one, timing from the file operation until `/v1/documents` (and a search, for the rewrite) shows it.
The watcher waits for 1 s of quiet before it looks (`QUIET_MS`), so that much of each time is by design.
Nothing here is a test: it prints.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _common  # noqa: F401  # the repository on sys.path, offline model settings
from _common import percentile
from fastapi.testclient import TestClient

from api.main import create_app
from eval.pubmedqa_data import doc_id, load_abstracts, markdown, write_corpus
from index.build import build_index
from qa.settings import Settings


def _until(check: Callable[[], bool], timeout: float = 300.0) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise SystemExit("the change was not served in time")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--abstracts", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    abstracts = load_abstracts()
    library, extra = abstracts[: args.abstracts - args.rounds], abstracts[args.abstracts - args.rounds:args.abstracts]
    work = Path(tempfile.mkdtemp(prefix="neoqa-watch-bench-"))
    corpus, index = work / "corpus", work / "index"
    write_corpus(library, corpus)
    settings = Settings(_env_file=None, corpus_dir=corpus, index_dir=index, upload_dir=work / "uploads",  # type: ignore[call-arg]
                        rate_limit="1000000/minute")
    embedder = settings.load_embedder()
    started = time.perf_counter()
    build_index(corpus, index, embedder, extra_dirs=[work / "uploads"])
    baseline = time.perf_counter() - started
    print(f"{len(library)} abstracts indexed from nothing in {baseline:.1f} s (the baseline)")

    times: dict[str, list[float]] = {"add": [], "change": [], "remove": []}
    with TestClient(create_app(settings, embedder)) as client:
        while client.get("/readyz").status_code != 200:
            time.sleep(0.1)

        def ids() -> set[str]:
            page = client.get("/v1/documents", params={"limit": 1000, "offset": 0}).json()
            return {d["doc_id"] for d in page["documents"]} if page["total"] <= 1000 else set()

        for n, new in enumerate(extra):
            added = corpus / f"{doc_id(new.pmid)}.md"
            added.write_text(markdown(new), encoding="utf-8")
            times["add"].append(_until(lambda a=new: doc_id(a.pmid) in ids()))  # type: ignore[misc]

            changed = corpus / f"{doc_id(library[n].pmid)}.md"
            marker = f"zqxwatchbench{n}"
            changed.write_text(markdown(library[n]) + f"\n## Note\n\n{marker} appears here.\n", encoding="utf-8")
            times["change"].append(_until(lambda m=marker: bool(client.get(  # type: ignore[misc]
                "/v1/search", params={"q": m, "mode": "bm25", "k": 1}).json()["passages"])))

            removed = corpus / f"{doc_id(library[-1 - n].pmid)}.md"
            removed.unlink()
            times["remove"].append(_until(lambda r=library[-1 - n]: doc_id(r.pmid) not in ids()))  # type: ignore[misc]

    print(f"{'change':<8}{'p50 s':>8}{'max s':>8}{'x baseline':>12}")
    for kind, values in times.items():
        p50 = percentile(values, 0.5)
        print(f"{kind:<8}{p50:>8.1f}{max(values):>8.1f}{p50 / baseline:>12.3f}")


if __name__ == "__main__":
    main()
