"""`qa ask`: a grounded answer on the command line, as text or as the JSON contract."""

from __future__ import annotations

import argparse
import json
import textwrap

from qa.model import Answer, Turn


def print_answer(answer: Answer) -> None:
    """The answer (a yes/no question's opens with its verdict line), then its numbered sources (title, section,
    stance toward the question, quoted span, primary references)."""
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


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.engine import AnswerEngine
    from qa.loading import open_index
    from qa.settings import Settings
    from qa.stance import StanceModel

    settings = Settings(**({"index_dir": args.index_dir} if args.index_dir else {}))
    history = [Turn(role="user", content=h) for h in args.history or []]
    engine = AnswerEngine(open_index(settings), settings.max_question_chars,
                          stance=StanceModel.default(settings.cache_dir))
    answer = engine.ask(args.question, history, args.k, args.doc)
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


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
    p.add_argument("--index-dir")
    p.set_defaults(handler=cmd_ask)
