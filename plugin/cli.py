"""`licensebot`: index license texts and answer questions from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licensebot import render
from licensebot.errors import LicensebotError, UsageError
from licensebot.settings import Settings, shown_default, specs

if TYPE_CHECKING:  # the runtime imports Chroma and torch: `licensebot --help` stays instant
    from licensebot.answering.service import AnswerService
    from licensebot.runtime import Runtime


def _epilog() -> str:
    rows = "\n".join(
        f"  {spec.env:<30} {spec.help} [default: {shown_default(f, spec) or 'empty'}]" for f, spec in specs()
    )
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

    p = sub.add_parser("lookup", help="show a clause verbatim, e.g. `licensebot lookup llama-3.1 1.b.i`")
    p.add_argument("query", nargs="+", help="a license (key or name) and optionally a section; no section: list them")
    p.add_argument("--json", action="store_true")

    for name, what in (("compare", "two licenses' clauses side by side, topic by topic"),
                       ("diff", "what changed between two versions of a license, word by word")):
        p = sub.add_parser(name, help=f"{what}, e.g. `licensebot {name} llama-3 llama-3.1 outputs`")
        p.add_argument("terms", nargs="+", help="two licenses (keys or names), then optionally a topic")
        p.add_argument("--json", action="store_true", help="print the answer structure as one JSON object")

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

    p = sub.add_parser("eval-names", help="measure how names in questions resolve (tests/data/names.jsonl)")
    p.add_argument("--names", type=Path, required=True, help="JSONL file of names with the license each means")
    p.add_argument("--json", action="store_true", help="print the result as JSON")

    p = sub.add_parser("eval", help="measure retrieval and answer quality on a JSONL question set")
    p.add_argument("--questions", type=Path, required=True, metavar="FILE")
    p.add_argument("--json", action="store_true", help="end with one JSON object of the metrics")
    p.add_argument("--no-model", action="store_true", help="skip the model's summary (retrieval only)")

    p = sub.add_parser("fit-ranking", help="refit the learned reorder on question sets; hit@1 on others")
    p.add_argument("--fit", action="append", required=True, metavar="SET",
                   help="FILE, FILE:first or FILE:second (half of its answerable questions); repeatable")
    p.add_argument("--check", action="append", default=[], metavar="SET", help="sets to judge on; repeatable")

    p = sub.add_parser("eval-pairs", help="check two-license answers against the compatibility matrix (JSONL)")
    p.add_argument("--questions", type=Path, required=True, metavar="FILE")
    p.add_argument("--json", action="store_true", help="end with one JSON object of the metrics")
    return parser


class _Bar:
    """A tqdm progress bar on stderr per stage (embedding, then filling in held documents)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage == "searchable":
            self.close()
            print(f"the index answers now; vectors for {done} more documents follow", file=sys.stderr)
            return
        if self._bar is None or stage != self._stage:
            self.close()
            self._bar, self._stage = tqdm(total=total, desc=stage, unit="chunk", file=sys.stderr, leave=False), stage
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def cmd_index(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.index.embed.shipped import WithShippedVectors

    all_flag = True if args.all else (False if args.default else None)
    bar = _Bar()
    embedder = rt.embedder()
    try:
        report = rt.reindexer(embedder, rt.store()).run(
            folders=args.folder, all_licenses=all_flag, forget_folders=args.forget_folders, progress=bar
        )
    finally:
        bar.close()
    # Texts whose vectors the package ships were looked up, not embedded.
    shipped = embedder.looked_up if isinstance(embedder, WithShippedVectors) else 0
    if args.json:
        print(json.dumps({
            "added": report.added, "changed": report.changed, "removed": report.removed,
            "unchanged": report.unchanged, "chunks_embedded": report.chunks_embedded,
            "failures": [{"path": f.path, "reason": f.reason} for f in report.failures],
            "recovered": report.recovered, "held": report.held,
            "searchable_after_s": report.searchable_after, "complete_after_s": report.complete_after,
            "vectors_shipped": shipped,
        }))
    else:
        print(render.report_text(report))
        if shipped:
            print(f"{shipped} of the vectors came with the package (index/embed/shipped.py)")
    return 0


def _service(rt: Runtime, *, model: bool) -> AnswerService:
    """The answering service over the index, built on first use (with a progress bar)."""
    generator = rt.generator()[0] if model else None  # the license guard first: fail fast
    store = rt.store()
    empty = store.count() == 0
    # Building the index first wants every core; answering from an existing one, the model does.
    embedder = rt.embedder(serving=generator is not None and not empty)
    if empty:
        print("Building the license index for the first time...", file=sys.stderr)
        bar = _Bar()
        try:
            report = rt.reindexer(embedder, store).run(forget_folders=True, progress=bar)
        finally:
            bar.close()
        print(render.report_text(report), file=sys.stderr)
    return rt.service(embedder, store, generator)


def cmd_ask(args: argparse.Namespace, rt: Runtime) -> int:
    answer = _service(rt, model=not args.no_model).ask(" ".join(args.question))
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(render.answer_text(answer))
    return 0


def cmd_lookup(args: argparse.Namespace, rt: Runtime) -> int:

    found = _service(rt, model=False).lookup(" ".join(args.query))
    if args.json:
        print(json.dumps(render.lookup_json(found), ensure_ascii=False))
    else:
        print(render.lookup_text(found))
    return 0 if found.status in ("sections", "clause") else 1


def cmd_pair(args: argparse.Namespace, rt: Runtime) -> int:
    """`compare` / `diff` (answering/pairs/)."""
    from licensebot.answering.pairs import pair_command

    service = _service(rt, model=False)
    found = pair_command(service.retriever, "diff" if args.command == "diff" else "compare", " ".join(args.terms),
                         embedder=service.embedder)
    if found.answer is None:
        reason = f"not indexed: {', '.join(found.missing)}" if found.missing else "name two indexed licenses"
        raise UsageError(f"{reason} (usage: licensebot {args.command} <license> <license> [topic])")
    print(json.dumps(found.answer.to_json(), ensure_ascii=False) if args.json else render.answer_text(found.answer))
    return 0


def cmd_sources(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.index.store import Inventory

    inventory = Inventory.read(rt.store())
    if args.json:
        print(json.dumps(inventory.to_json()))
    else:
        print(render.inventory_text(inventory))
    return 0


def cmd_eval(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.devtools.evaluate import evaluate, load_items

    items = load_items(args.questions)
    store = rt.store()
    if store.count() == 0:
        raise UsageError("the index is empty; run `licensebot index` first")
    generator = None if args.no_model else rt.generator()[0]
    bodies = {d.key: d.body for d in rt.documents(rt.sources().resolve(store.state())).documents}
    service = rt.service(rt.embedder(serving=generator is not None), store, generator)

    def show(row: dict[str, Any]) -> None:
        if not args.json:
            print(render.eval_row(row))

    metrics = evaluate(service, items, bodies, on_item=show)
    _print_metrics(metrics, as_json=args.json)
    return 0


def _print_metrics(metrics: dict[str, Any], *, as_json: bool) -> None:
    """Per-item rows then the summary as JSON lines, or the summary as aligned text."""
    summary = {k: v for k, v in metrics.items() if k != "items"}
    if as_json:
        for row in metrics["items"]:
            print(json.dumps(row))
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:>22}: {value}")


def cmd_eval_pairs(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.devtools.pairs_eval import evaluate_pairs, load_pair_items, passed

    items = load_pair_items(args.questions)
    store = rt.store()
    if store.count() == 0:
        raise UsageError("the index is empty; run `licensebot index` first")
    bodies = {d.key: d.body for d in rt.documents(rt.sources().resolve(store.state())).documents}
    service = rt.service(rt.embedder(serving=False), store, None)
    metrics = evaluate_pairs(service, items, bodies, on_item=None if args.json else lambda r: print(json.dumps(r)))
    _print_metrics(metrics, as_json=args.json)
    return 0 if all(passed(r) for r in metrics["items"]) else 1


def cmd_fit_ranking(args: argparse.Namespace, rt: Runtime) -> int:
    """Prints the fitted weights and hit@1 per set as JSON (paste the weights into rerank.WEIGHTS)."""
    from licensebot.devtools.fit_ranking import QuestionSet, run

    fit_sets = [QuestionSet.parse(s) for s in args.fit]
    check_sets = [QuestionSet.parse(s) for s in args.check]
    print(json.dumps(run(_service(rt, model=False).retriever, fit_sets, check_sets), indent=1))
    return 0


def cmd_eval_names(args: argparse.Namespace, rt: Runtime) -> int:
    """Each name of the set asked about, against the names of the index as it is."""
    from licensebot.devtools.names_eval import load_names, score
    from licensebot.index.sources.models import load_models

    items = load_names(args.names)
    snapshot = _service(rt, model=False).retriever.snapshot()
    result = score(snapshot.names, items, load_models(rt.settings.models_path))
    if args.json:
        print(json.dumps(result))
    else:
        for f in result["failures"]:
            print(f"{f['outcome']:<14} {f['kind']:<8} {f['text']!r} expected {f['expected']}, searched {f['searched']}")
        print(f"{result['n']} names: right {result['right']}, wrong license {result['wrong_license']}, "
              f"missed {result['missed']}")
    return 0 if result["wrong_license"] == 0 else 1


def cmd_bench(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.devtools.bench import run, scaling

    out = sys.stderr if args.json else sys.stdout
    if args.scaling:
        results = scaling(rt, log=lambda line: print(line, file=out))
    else:
        results = run(rt, quick=args.quick, log=lambda line: print(line, file=out))
    if args.json:
        print(json.dumps(results))
    return 0


def cmd_doctor(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.doctor import run_checks

    checks = run_checks(rt)
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


def cmd_soak(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.devtools.soak import passed, run

    if args.askers < 1 or args.minutes <= 0:
        raise UsageError("--askers must be at least 1 and --minutes more than 0")
    out = sys.stderr if args.json else sys.stdout
    results = run(rt.settings, askers=args.askers, minutes=args.minutes, log=lambda line: print(line, file=out))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:>32}: {value}")
    return 0 if passed(results) else 1


def cmd_serve(args: argparse.Namespace, rt: Runtime) -> int:
    from licensebot.logs import configure
    from licensebot.slack.server import serve

    configure(rt.settings)
    return serve(rt)


COMMANDS: dict[str, Callable[[argparse.Namespace, Runtime], int]] = {
    "index": cmd_index, "ask": cmd_ask, "lookup": cmd_lookup, "sources": cmd_sources, "eval": cmd_eval,
    "eval-names": cmd_eval_names, "serve": cmd_serve, "bench": cmd_bench, "doctor": cmd_doctor, "soak": cmd_soak,
    "compare": cmd_pair, "diff": cmd_pair, "eval-pairs": cmd_eval_pairs,
    "fit-ranking": cmd_fit_ranking,
}


def main(argv: Sequence[str] | None = None, *, runtime: Callable[[Settings], Runtime] | None = None) -> int:
    """Run one command; ``runtime`` builds the components (tests pass one that builds fakes).

    Exit codes: 0 done, 1 a runtime failure (or a check that failed), 2 a usage or settings
    error (argparse's own usage errors exit 2 as well), 130 interrupted.
    """
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if runtime is None:
            from licensebot.runtime import Runtime

            runtime = Runtime
        return COMMANDS[args.command](args, runtime(settings))
    except LicensebotError as exc:
        print(f"licensebot: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("licensebot: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
