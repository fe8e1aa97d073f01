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
    if getattr(args, "collection", None) and args.command in ("ask", "serve"):
        cfg = cfg.with_(collection=args.collection)
    if getattr(args, "models", None):
        cfg = cfg.with_(embedders=tuple(k.strip() for k in args.models.split(",") if k.strip()))
    if getattr(args, "precision", None):
        cfg = cfg.with_(ingest_precision=args.precision)
    if getattr(args, "backend", None):
        cfg = cfg.with_(backend=args.backend)
    if getattr(args, "milvus_uri", None):
        cfg = cfg.with_(milvus_uri=args.milvus_uri, backend=getattr(args, "backend", None) or "milvus")
    return cfg


def _print_answer(answer, as_json: bool, many: bool = False) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    print(answer.text)
    for i, c in enumerate(answer.citations, 1):
        where = f"{c.document} ({Path(c.document_path).name}) › " if many and c.document else ""
        print(f"\n[{i}] {where}{c.section_label}, paragraph {c.paragraph} (chars {c.start}–{c.end})")
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
    docs = args.doc or None
    if docs:
        assistant.resolve_documents(docs)  # an unknown document is a one-line error before any question
    if not question.strip() and sys.stdin.isatty() and not args.json:
        return _interactive(assistant, docs)
    answer = assistant.ask(question, documents=docs)
    _print_answer(answer, args.json, bool(assistant.index.documents))
    return 0 if answer.reason not in ("empty question", "unsupported script") else EXIT_USAGE


def _interactive(assistant, docs=None) -> int:
    many = bool(assistant.index.documents)
    about = f"{len(assistant.documents())} documents" if many and not docs else assistant.document_title
    print(f"Ask about: {about}  (empty line or Ctrl-D to quit)")
    history: list[dict] = []
    while True:
        try:
            question = input("\n? ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        answer = assistant.ask(question, history, documents=docs)
        _print_answer(answer, False, many)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qa import Assistant

    cfg = _config(args)
    paths = args.path or []
    if args.collection or len(paths) > 1 or any(Path(p).is_dir() for p in paths) or args.remove or args.list \
            or args.prune:
        return _index_collection(args, cfg)
    if paths:
        cfg = cfg.with_(document=Path(paths[0]))
    bar = tqdm(desc="embedding", unit="batch", disable=not sys.stderr.isatty() and not args.progress)
    assistant = Assistant(cfg, rebuild=True, progress=lambda msg: (bar.set_postfix_str(msg), bar.update(1)))
    bar.close()
    m = assistant.index.manifest
    print(f"indexed {m['document']['title']!r}: {m['chunks']} chunks "
          f"({m['levels']['passages']} passages, {m['levels']['sentences']} sentences) -> {assistant.index_dir}")
    return 0


def _index_collection(args: argparse.Namespace, cfg) -> int:
    """`reportqa index PATH... [--collection NAME]`: add/refresh files and folders, incrementally."""
    from tqdm import tqdm

    from qa import collection_documents, index_documents

    cfg = cfg.with_(collection=args.collection or "default")
    name = cfg.collection
    if args.list:
        docs = collection_documents(cfg)
        if docs is None:
            print(f"reportqa: no collection {name!r} yet: run `reportqa index PATH...`", file=sys.stderr)
            return EXIT_ERROR
        for d in docs:
            print(f"{d['key']}\t{d['chunks']} chunks\t{d['title']}\t{d['path']}")
        return 0
    show = sys.stderr.isatty() or args.progress
    bar = tqdm(desc="indexing", unit="file", disable=not show)

    def progress(msg: str, n: int, total: int) -> None:
        if total:
            bar.total = total
            bar.n = n
        bar.set_postfix_str(msg[:40])
        bar.refresh()

    summary = index_documents(cfg, args.path or [], remove=args.remove or [], prune=args.prune,
                              index_type=args.index_type, progress=progress)
    bar.close()
    report = summary.report
    for path, reason in report.skipped:
        print(f"reportqa: skipped {path}: {reason}", file=sys.stderr)
    if not summary.documents:
        if report.removed:
            print(f"removed {len(report.removed)} document(s); collection {name!r} is now empty")
            return 0
        return EXIT_ERROR
    rate = f", {summary.chunks_per_second:.0f} chunks/s" if report.embed_seconds else ""
    print(f"collection {name!r}: {summary.documents} documents, {summary.chunks} chunks, index {summary.index_type}, "
          f"models {', '.join(summary.models)} "
          f"(added {len(report.added)}, changed {len(report.changed)}, unchanged {len(report.unchanged)}, "
          f"removed {len(report.removed)}, skipped {len(report.skipped)}; embedded {report.embedded_chunks} "
          f"chunks{rate}) -> {summary.directory}")
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
    a.add_argument("--document", help="a .txt/.md/.html/.pdf document instead of the bundled report")
    a.add_argument("--collection", metavar="NAME",
                   help="ask across an indexed collection ('default' is the one `reportqa index PATH...` fills)")
    a.add_argument("--doc", action="append", metavar="KEY",
                   help="with --collection: only this document (key, title or path; repeatable)")
    a.add_argument("--backend", choices=["faiss", "milvus"], help="vector store (default faiss)")
    a.add_argument("--milvus-uri", metavar="URI", help="Milvus Lite file (x.db) or http://host:19530")
    a.set_defaults(func=cmd_ask)

    i = sub.add_parser("index", help="index documents: one file (as before) or files/folders into a collection")
    i.add_argument("path", nargs="*", help="files or folders (.txt .md .html .pdf); none: the bundled report")
    i.add_argument("--collection", metavar="NAME", help="collection to add to (default: 'default' for several paths)")
    i.add_argument("--remove", action="append", metavar="KEY|PATH", help="drop a document from the collection")
    i.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    i.add_argument("--list", action="store_true", help="list the documents of the collection")
    i.add_argument("--index-type", default="auto", choices=["auto", "flat-ip", "hnsw"],
                   help="FAISS index (auto: exact under 50k chunks, HNSW above)")
    i.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    i.add_argument("--models", metavar="KEYS",
                   help="dense models, comma-separated (default e5,minilm; 'minilm' alone indexes ~4x faster "
                        "but answers English questions only)")
    i.add_argument("--precision", choices=["float32", "int8"],
                   help="indexing passes (default int8: ~1.3x faster, vectors at cosine ~0.999 to float32); "
                        "a collection embedded in the other precision is embedded again")
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
    s.add_argument("--collection", metavar="NAME",
                   help="serve a collection built by `reportqa index` (the chat gets a document picker)")
    s.add_argument("--feedback-log", metavar="PATH",
                   help="JSON-lines file for like/dislike events (default: CACHE_DIR/feedback.jsonl)")
    s.add_argument("--max-question-chars", type=int, default=1000, metavar="N",
                   help="refuse longer questions (default 1000)")
    s.add_argument("--api-key", metavar="KEY",
                   help="require this key on POST /api/ask (Authorization: Bearer KEY); or $REPORTQA_API_KEY")
    s.add_argument("--rate-limit", metavar="N/min",
                   help="at most N questions per minute per client address (API and chat); 429 beyond")
    s.add_argument("--trust-proxy", type=int, default=0, metavar="N",
                   help="behind N reverse proxies: key --rate-limit on the X-Forwarded-For address N hops from "
                        "the right (1: the one your proxy appended) instead of the socket address; "
                        "default 0 ignores the header (only use it when clients cannot bypass the proxy)")
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
