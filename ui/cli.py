"""The `reportqa` command: ask, index, eval, serve.

Every failure a user can cause ends as one line on stderr and a non-zero exit, never a trace.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EXIT_USAGE, EXIT_ERROR = 2, 1


def _config(args: argparse.Namespace):
    from qa import Config

    cfg = Config.from_env()
    if getattr(args, "document", None):
        cfg = cfg.with_(document=Path(args.document))
    if getattr(args, "cache_dir", None):
        cfg = cfg.with_(cache_dir=Path(args.cache_dir))
    return cfg


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    print(answer.text)
    for i, c in enumerate(answer.citations, 1):
        print(f"\n[{i}] {c.section_label}, paragraph {c.paragraph} (chars {c.start}–{c.end})")
        for note in c.footnotes:
            print(f"    footnote {note.number}: {note.text}")
    if answer.abstained and answer.passages:
        print("\nNearest passages:")
        for p in answer.passages[:3]:
            print(f"  - {' › '.join(p.section)} ¶{p.paragraph}: {p.text[:160]}{'…' if len(p.text) > 160 else ''}")


def cmd_ask(args: argparse.Namespace) -> int:
    from qa import Assistant

    question = " ".join(args.question) if args.question else ""
    if question == "-":
        question = sys.stdin.read()
    assistant = Assistant(_config(args))
    if not question.strip() and sys.stdin.isatty() and not args.json:
        return _interactive(assistant)
    answer = assistant.ask(question)
    _print_answer(answer, args.json)
    return 0 if answer.reason not in ("empty question", "unsupported script") else EXIT_USAGE


def _interactive(assistant) -> int:
    print(f"Ask about: {assistant.document_title}  (empty line or Ctrl-D to quit)")
    history: list[dict] = []
    while True:
        try:
            question = input("\n? ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        answer = assistant.ask(question, history)
        _print_answer(answer, False)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qa import Assistant

    cfg = _config(args)
    if args.path:
        cfg = cfg.with_(document=Path(args.path))
    bar = tqdm(desc="embedding", unit="batch", disable=not sys.stderr.isatty() and not args.progress)
    assistant = Assistant(cfg, rebuild=True, progress=lambda msg: (bar.set_postfix_str(msg), bar.update(1)))
    bar.close()
    m = assistant.index.manifest
    print(f"indexed {m['document']['title']!r}: {m['chunks']} chunks "
          f"({m['levels']['passages']} passages, {m['levels']['sentences']} sentences) -> {assistant.index_dir}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.run import main as eval_main

    argv = [args.gold] + (["--out", args.out] if args.out else []) + (["--document", args.document] if args.document else [])
    argv += [] if args.baseline else ["--no-baseline"]
    return eval_main(argv)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ui.server import serve
    except ImportError as exc:  # the chat UI is optional until it is installed
        print(f"reportqa: the web chat is not available ({exc})", file=sys.stderr)
        return EXIT_ERROR
    return serve(args, _config(args)) or 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reportqa", description="Ask questions about a report; get cited answers.")
    p.add_argument("--cache-dir", help="where indexes are kept (default ~/.cache/reportqa or $REPORTQA_CACHE)")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("ask", help="answer one question (no question: interactive prompt)")
    a.add_argument("question", nargs="*", help="the question ('-' reads stdin)")
    a.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    a.add_argument("--document", help="a .txt/.md document instead of the bundled report")
    a.set_defaults(func=cmd_ask)

    i = sub.add_parser("index", help="build or rebuild the index of a document")
    i.add_argument("path", nargs="?", help="document to index (default: the bundled report)")
    i.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    i.set_defaults(func=cmd_index, document=None)

    e = sub.add_parser("eval", help="score a gold file (shared JSONL schema)")
    e.add_argument("gold")
    e.add_argument("--out", help="write one JSON result per question here")
    e.add_argument("--document", help="evaluate against this document instead of the report")
    e.add_argument("--baseline", action="store_true", help="also score the LangChain-style baseline")
    e.set_defaults(func=cmd_eval)

    s = sub.add_parser("serve", help="start the web chat, HTTP API and widget")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                   help="an origin allowed to call the API/embed the widget (repeatable)")
    s.add_argument("--document", help="a .txt/.md document instead of the bundled report")
    s.add_argument("--feedback-log", metavar="PATH",
                   help="JSON-lines file for like/dislike events (default: CACHE_DIR/feedback.jsonl)")
    s.add_argument("--max-question-chars", type=int, default=1000, metavar="N",
                   help="refuse longer questions (default 1000)")
    s.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from qa import ReportQAError

    try:
        return int(args.func(args) or 0)
    except ReportQAError as exc:
        print(f"reportqa: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"reportqa: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
