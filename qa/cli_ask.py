"""`qa ask`: a grounded answer on the command line, as text or as the JSON contract."""

from __future__ import annotations

import argparse
import json
import textwrap

from qa.cli import add_year_arguments
from qa.model import Answer, Turn


def print_answer(answer: Answer) -> None:
    """The answer (a yes/no question's opens with its verdict line), then its numbered sources (title, section,
    stance toward the question, quoted span, primary references and which of them the library holds)."""
    if answer.resolved_question:
        print(f"(read as: {answer.resolved_question})\n")
    print(answer.answer)
    if not answer.answered:
        if answer.related:
            print("\nNearest passages (they do not answer the question):")
            for p in answer.related[:3]:
                print(f"  - {p.title} › {p.section}: {textwrap.shorten(p.text, 160)}")
        return
    print("\nSources:")
    for c in answer.citations:
        stance = f"; stance: {c.stance}" if c.stance else ""
        print(f"[{c.marker}] {c.title} › {c.section} ({c.kind}, characters {c.start}–{c.end}{stance})")
        print(textwrap.indent(textwrap.fill(f"“{c.text}”", 100), "    "))
        for ref in c.references:
            print(textwrap.indent(textwrap.fill(f"↳ {ref}", 100), "    "))
        for d in c.library_documents:
            print(textwrap.indent(textwrap.fill(f"in this library: {d.doc_id} ({d.title})", 100), "    "))


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.engine import AnswerEngine
    from qa.loading import open_index
    from qa.settings import Settings
    from qa.stance import StanceModel

    settings = Settings(**({"index_dir": args.index_dir} if args.index_dir else {}))
    history = [Turn(role="user", content=h) for h in args.history or []]
    engine = AnswerEngine(open_index(settings), settings.max_question_chars,
                          stance=StanceModel.default(settings.cache_dir))
    answer = engine.ask(args.question, history, args.k, args.doc, args.since, args.until)
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


CHAT_TURNS = 20  # earlier turns sent with a question (the API's HISTORY_MAX_TURNS)
CHAT_HELP = ("Ask a question; a follow-up (\"And for IVH?\") reads the conversation. /new starts a new one, "
             "/doc ID [ID ...] keeps answers to those documents (/doc alone: the whole library), /quit or "
             "Ctrl-D ends.")


def cmd_chat(args: argparse.Namespace) -> int:
    """A conversation in the terminal: the model and index load once, every question is answered in the time
    of the question alone, and follow-ups read the conversation so far."""
    import sys

    from index.errors import NoDocumentInScope, UnknownDocuments
    from qa.engine import AnswerEngine
    from qa.errors import QAError
    from qa.loading import open_index
    from qa.settings import Settings
    from qa.stance import StanceModel

    settings = Settings(**({"index_dir": args.index_dir} if args.index_dir else {}))
    index = open_index(settings)
    engine = AnswerEngine(index, settings.max_question_chars, stance=StanceModel.default(settings.cache_dir))
    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401  # line editing and history for input()
    documents: list[str] | None = args.doc
    index.scope(documents, args.since, args.until)  # an unknown id is said now, not at the first question
    print(f"neoqa: {index.manifest.documents} documents{_kept(documents)}. {CHAT_HELP}\n", flush=True)
    history: list[Turn] = []
    while True:
        try:
            line = input("> " if interactive else "").strip()
        except EOFError:
            return 0
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return 0
        if line == "/new":
            history = []
            print("(new conversation)\n", flush=True)
            continue
        if line.split()[0] == "/doc":
            wanted = line.split()[1:] or None
            try:
                index.scope(wanted, args.since, args.until)
            except (UnknownDocuments, NoDocumentInScope) as exc:
                print(f"error: {exc}\n", flush=True)
                continue
            documents, history = wanted, []
            print(f"(new conversation{_kept(documents) or ', the whole library'})\n", flush=True)
            continue
        try:
            answer = engine.ask(line, history[-CHAT_TURNS:] or None, args.k, documents, args.since, args.until)
        except QAError as exc:
            print(f"error: {exc}\n", flush=True)
            continue
        print_answer(answer)
        print(flush=True)
        history += [Turn(role="user", content=line), Turn(role="assistant", content=answer.answer)]


def _kept(documents: list[str] | None) -> str:
    return f", answers kept to {', '.join(documents)}" if documents else ""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="a short answer with exact citations, or 'the reviews do not say'")
    p.add_argument("question")
    p.add_argument("--history", action="append", metavar="EARLIER_QUESTION",
                   help="an earlier question of the conversation (repeat for several, oldest first)")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.add_argument("-k", type=int, default=5, help="related passages listed after the answer, 1-20 (default 5); "
                   "the answer itself does not depend on it")
    p.add_argument("--doc", action="append", metavar="DOC_ID",
                   help="answer from this document only (repeat for several; `qa documents` lists the ids)")
    add_year_arguments(p)
    p.add_argument("--index-dir")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal: the index loads once, follow-ups read it",
                       description=CHAT_HELP)
    p.add_argument("--doc", action="append", metavar="DOC_ID",
                   help="keep answers to this document (repeat for several; `qa documents` lists the ids)")
    p.add_argument("-k", type=int, default=5, help="related passages listed after an answer that has none, 1-20")
    add_year_arguments(p)
    p.add_argument("--index-dir")
    p.set_defaults(handler=cmd_chat)
