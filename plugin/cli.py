"""`licensebot`: index license texts and answer questions from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.errors import LicenseIndexError
from plugin import render
from plugin.errors import LicensebotError
from plugin.settings import VARIABLES, Settings

EXAMPLE = "Can we use Llama 3.1 outputs to train our own model?"


def _epilog() -> str:
    rows = "\n".join(f"  {name:<30} {desc} [default: {default or 'empty'}]" for name, default, desc in VARIABLES)
    return f"settings (environment variables, or a .env file in the current folder):\n{rows}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="licensebot",
        description="Answer questions about software and AI-model licenses with verbatim, cited clauses.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index the default corpus (and any folders); only changes are re-embedded")
    p.add_argument("--all", action="store_true", help="index every text in the ScanCode LicenseDB")
    p.add_argument("--default", action="store_true", help="go back to the default selection after --all")
    p.add_argument("--folder", action="append", type=Path, default=[], metavar="DIR",
                   help="also index the .txt/.md files in DIR (repeatable; remembered)")
    p.add_argument("--forget-folders", action="store_true", help="stop indexing previously added folders")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("ask", help="answer a question with quoted clauses")
    p.add_argument("question", nargs="+", help="the question (quote it in the shell)")
    p.add_argument("--json", action="store_true", help="print the answer structure as one JSON object")
    p.add_argument("--no-model", action="store_true", help="quote clauses only, without the model's summary")

    p = sub.add_parser("sources", help="what is indexed: documents, chunks, last index time")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bench", help="measure indexing, retrieval, answer and ack speed and memory here")
    p.add_argument("--quick", action="store_true", help="skip indexing the whole LicenseDB")
    p.add_argument("--scaling", action="store_true",
                   help="instead: indexing time against documents, retrieval latency against index size")
    p.add_argument("--json", action="store_true", help="end with one JSON object of the results")

    p = sub.add_parser("doctor", help="check the store, index, models and Slack settings (no secrets shown)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("soak", help="concurrent askers against `licensebot serve` on loopback, reindex midway")
    p.add_argument("--askers", type=int, default=4, help="concurrent askers [default: 4]")
    p.add_argument("--minutes", type=float, default=5.0, help="how long to ask [default: 5]")
    p.add_argument("--json", action="store_true", help="end with one JSON object of the results")

    p = sub.add_parser("serve", help="run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP)")

    p = sub.add_parser("eval", help="measure retrieval and answer quality on a JSONL question set")
    p.add_argument("--questions", type=Path, required=True, metavar="FILE")
    p.add_argument("--json", action="store_true", help="end with one JSON object of the metrics")
    p.add_argument("--no-model", action="store_true", help="skip the model's summary (retrieval only)")
    return parser


class _Bar:
    """A tqdm progress bar on stderr for the embedding stage."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(total=total, desc=stage, unit="chunk", file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.runtime import SourceConfig, build_embedder, build_store, run_index

    store = build_store(settings)
    state = {} if args.forget_folders else store.state()
    all_flag = True if args.all else (False if args.default else None)
    sources = SourceConfig.resolve(settings, state, folders=args.folder, all_licenses=all_flag)
    bar = _Bar()
    try:
        report = run_index(settings, build_embedder(settings), store, sources, progress=bar)
    finally:
        bar.close()
    if args.json:
        print(json.dumps({
            "added": report.added, "changed": report.changed, "removed": report.removed,
            "unchanged": report.unchanged, "chunks_embedded": report.chunks_embedded,
            "failures": [{"path": f.path, "reason": f.reason} for f in report.failures],
            "recovered": report.recovered,
        }))
    else:
        print(render.report_text(report))
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.runtime import SourceConfig, build_embedder, build_generator, build_service, build_store, run_index

    question = " ".join(args.question)
    generator = None
    if not args.no_model:
        generator, _info = build_generator(settings)  # license guard first: fail fast
    store = build_store(settings)
    empty = store.count() == 0
    # Building the index first wants every core; answering from an existing one, the model does.
    embedder = build_embedder(settings, serving=generator is not None and not empty)
    if empty:
        print("Building the license index for the first time (under a minute)...", file=sys.stderr)
        bar = _Bar()
        try:
            report = run_index(settings, embedder, store, SourceConfig.resolve(settings, {}), progress=bar)
        finally:
            bar.close()
        print(render.report_text(report), file=sys.stderr)
    service = build_service(settings, embedder, store, generator)
    answer = service.ask(question)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(render.answer_text(answer))
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.runtime import build_store

    store = build_store(settings)
    state = store.state()
    chunks = store.chunks()
    docs: dict[str, dict[str, Any]] = {}
    for c in chunks:
        d = docs.setdefault(c.doc, {"key": c.doc, "title": c.title, "kind": c.kind,
                                    "category": c.category, "url": c.url, "chunks": 0})
        d["chunks"] += 1
    summary = {
        "store": store.describe(),
        "documents": len(docs),
        "chunks": len(chunks),
        "indexed_at": state.get("indexed_at", ""),
        "all_licenses": bool(state.get("all_licenses", False)),
        "folders": state.get("folders", []),
        "by_kind": dict(Counter(d["kind"] for d in docs.values())),
    }
    if args.json:
        print(json.dumps(summary | {"items": sorted(docs.values(), key=lambda d: d["key"])}))
        return 0
    print(f"{summary['documents']} documents, {summary['chunks']} chunks in {summary['store']}")
    print(f"last indexed: {summary['indexed_at'] or 'never'}")
    for folder in summary["folders"]:
        print(f"folder: {folder}")
    for d in sorted(docs.values(), key=lambda d: (d["kind"], d["category"], d["key"])):
        print(f"  [{d['kind']}] {d['key']:<45} {d['chunks']:>4} chunks  {d['title']}")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from index.sources import load_all, read_selection
    from plugin.evaluate import evaluate, load_items
    from plugin.runtime import SourceConfig, build_embedder, build_generator, build_service, build_store

    items = load_items(args.questions)
    generator = None if args.no_model else build_generator(settings)[0]
    store = build_store(settings)
    if store.count() == 0:
        raise LicensebotError("the index is empty; run `licensebot index` first")
    sources = SourceConfig.resolve(settings, store.state())
    patterns = None if sources.all_licenses else read_selection(settings.selection_path)
    bodies = {d.key: d.body for d in load_all(scancode_patterns=patterns, folders=sources.folders).documents}
    service = build_service(settings, build_embedder(settings, serving=generator is not None), store, generator)

    def show(row: dict[str, Any]) -> None:
        if not args.json:
            status = "abstained" if row["abstained"] else f"rank {row['rank'] or '-'}"
            grounded = "grounded" if row["grounded"] else ""
            print(f"{row['id']:>6}  {status:<10} {grounded:<9} {row['latency_s']:>6.2f}s  {row['top'][:1]}")

    metrics = evaluate(service, items, bodies, on_item=show)
    summary = {k: v for k, v in metrics.items() if k != "items"}
    if args.json:
        for row in metrics["items"]:
            print(json.dumps(row))
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:>18}: {value}")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.bench import run, scaling

    out = sys.stderr if args.json else sys.stdout
    if args.scaling:
        results = scaling(settings, log=lambda line: print(line, file=out))
    else:
        results = run(settings, quick=args.quick, log=lambda line: print(line, file=out))
    if args.json:
        print(json.dumps(results))
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.doctor import run_checks

    checks = run_checks(settings)
    failed = any(c.fatal and not c.ok for c in checks)
    if args.json:
        print(json.dumps({"ok": not failed, "checks": [
            {"name": c.name, "ok": c.ok, "fatal": c.fatal, "detail": c.detail} for c in checks
        ]}))
    else:
        for c in checks:
            mark = "ok  " if c.ok else ("FAIL" if c.fatal else "warn")
            print(f"{mark}  {c.name:<16} {c.detail}")
    return 1 if failed else 0


def cmd_soak(args: argparse.Namespace, settings: Settings) -> int:
    from plugin.soak import passed, run

    if args.askers < 1 or args.minutes <= 0:
        raise LicensebotError("--askers must be at least 1 and --minutes more than 0")
    out = sys.stderr if args.json else sys.stdout
    results = run(settings, askers=args.askers, minutes=args.minutes, log=lambda line: print(line, file=out))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>32}: {value}")
    return 0 if passed(results) else 1


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from plugin.slack.server import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(settings)
    return 0


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "sources": cmd_sources, "eval": cmd_eval, "serve": cmd_serve,
            "bench": cmd_bench, "doctor": cmd_doctor, "soak": cmd_soak}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return COMMANDS[args.command](args, settings)
    except (LicensebotError, LicenseIndexError) as exc:
        print(f"licensebot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("licensebot: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
