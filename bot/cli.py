"""The `gardbot` command: index, search, chat, Telegram, evaluation, reports and corpus set-up.

Every subcommand reads the same config (config.yaml < environment < flags); errors the user can fix
are printed as one line without a traceback, with exit code 1 (2 for bad usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TextIO

from bot.config import Config, ConfigError, load_config
from bot.ops.logs import LOG_FORMATS, setup_logging
from corpus.medquad import CorpusError
from reports.cli import ReportRequest, default_plot_path, run_report
from retrieval.errors import IndexCorruptError

log = logging.getLogger("gardbot")
USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, CorpusError, IndexCorruptError)


def add_corpus_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="config file (default: config.yaml, or GARDBOT_CONFIG)")
    parser.add_argument("--corpus", help="corpus folder (default from config / GARDBOT_CORPUS)")
    parser.add_argument(
        "--collections",
        help="comma-separated MedQuAD collection folders, or 'all' (default 2_GARD_QA)",
    )
    parser.add_argument("--index-dir", help="where indexes are kept (default data/index)")


def config_from_args(args: argparse.Namespace) -> Config:
    overrides = {
        "corpus": {"path": args.corpus, "collections": args.collections},
        "index": {"dir": args.index_dir},
    }
    return load_config(args.config, overrides=overrides)


def read_batch(stream: TextIO) -> Iterator[tuple[object, str]]:
    """(id, question) per JSONL line; a bad line is reported and skipped, never fatal."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield row.get("id", number), str(row.get("question") or "")
        except (ValueError, AttributeError):
            log.warning("line %d of the batch file is not a JSON object; skipped", number)


def cmd_index_build(args: argparse.Namespace) -> int:
    from bot.runtime import chunk_settings, selection_from_config
    from retrieval.build import build_index

    config = config_from_args(args)
    # The build logs one sentence with its figures (pages, passages, terms, seconds, folder).
    build_index(selection_from_config(config), config.index_dir, chunk_settings(config), progress=True)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from bot.runtime import load_engine_with_published

    config = config_from_args(args)
    engine = load_engine_with_published(config, progress=not args.json and not args.batch, chat=False)
    if args.batch:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with stream:
            for row_id, question in read_batch(stream):
                result = engine.search(question, k=args.k)
                print(json.dumps({"id": row_id, **result.to_json()}, ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("error: give a question, or --batch FILE", file=sys.stderr)
        return 2
    result = engine.search(" ".join(args.question), k=args.k)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    if result.abstain:
        print("(no confident match: the answer engine would abstain)")
    for rank, item in enumerate(result.results, 1):
        p = item.passage
        print(f"{rank:2}. {item.score:7.2f}  {p.title} — {p.qtype} [{p.qid}]\n    {p.url}")
    return 0


def cmd_corpus_download(args: argparse.Namespace) -> int:
    from corpus.download import DownloadError, download_medquad, link_or_download

    config = config_from_args(args)
    dest = config.corpus_path
    try:
        if args.force or args.no_shared:
            download_medquad(dest, config.corpus.download_url, force=args.force)
            outcome = "downloaded"
        else:
            shared = config.resolve(config.corpus.shared_copy) if config.corpus.shared_copy else None
            outcome = link_or_download(dest, shared, config.corpus.download_url)
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"corpus {outcome}: {dest}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return run_console(config_from_args(args))


def cmd_telegram(args: argparse.Namespace) -> int:
    from bot.telegram.app import run_telegram

    return run_telegram(config_from_args(args), progress=args.log_format == "text")


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.runtime import load_engine
    from evaluation.evaluate import run_eval, run_linking_eval

    if not args.linking and not args.questions:
        print("error: give a question file, or --linking", file=sys.stderr)
        return 2
    loader = partial(load_engine, config_from_args(args), True)  # with a progress bar
    if args.linking:
        return run_linking_eval(loader, pages=args.pages, fit=args.fit, details=args.details)
    return run_eval(loader, Path(args.questions), k=args.k, details=args.details)


def cmd_report(args: argparse.Namespace) -> int:
    database_url = config_from_args(args).database_url
    plot = str(default_plot_path(args.kind, args.demo)) if args.plot == "" else args.plot
    return run_report(ReportRequest(args.kind, database_url, args.since, args.format, plot, args.demo))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gardbot", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (add_index, add_search, add_corpus, add_chat, add_telegram, add_eval, add_report):
        add(commands)
    return parser


Subcommands = argparse._SubParsersAction  # what add_subparsers returns


def add_index(commands: Subcommands) -> None:
    index = commands.add_parser("index", help="manage the search index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    build = index_commands.add_parser("build", help="(re)build the index of the configured corpus")
    add_corpus_flags(build)
    build.set_defaults(handler=cmd_index_build)


def add_search(commands: Subcommands) -> None:
    search = commands.add_parser("search", help="rank passages for a question")
    search.add_argument("question", nargs="*", help="the question")
    search.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--batch", metavar="IN.jsonl", help='lines {"id", "question"}; - for stdin')
    add_corpus_flags(search)
    search.set_defaults(handler=cmd_search)


def add_corpus(commands: Subcommands) -> None:
    corpus = commands.add_parser("corpus", help="get the corpus")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    download = corpus_commands.add_parser(
        "download", help="link ../shared/data/medquad if present, else download MedQuAD"
    )
    download.add_argument("--force", action="store_true", help="download even if present")
    download.add_argument("--no-shared", action="store_true", help="don't link the shared copy")
    add_corpus_flags(download)
    download.set_defaults(handler=cmd_corpus_download)


def add_chat(commands: Subcommands) -> None:
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    add_corpus_flags(chat)
    chat.set_defaults(handler=cmd_chat)


def add_telegram(commands: Subcommands) -> None:
    telegram = commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    telegram.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text",
        help="text lines (default), or one JSON object a line for log collectors",
    )
    telegram.add_argument(
        "--log-private",
        action="store_true",
        help="with -v, log what users wrote and their names as they are (hidden by default)",
    )
    add_corpus_flags(telegram)
    telegram.set_defaults(handler=cmd_telegram)


def add_eval(commands: Subcommands) -> None:
    evaluate = commands.add_parser("eval", help="measure answer quality on a question set")
    evaluate.add_argument("questions", nargs="?", help="JSONL file in the format of gard-dev-questions.jsonl")
    evaluate.add_argument(
        "--linking",
        action="store_true",
        help="disease linking on questions generated from the corpus (leave-one-page-out, typos, ...)",
    )
    evaluate.add_argument("--pages", type=int, help="with --linking: a random sample of this many pages")
    evaluate.add_argument(
        "--fit", action="store_true", help="with --linking: refit the link model and print it"
    )
    evaluate.add_argument("-k", type=int, default=10, help="results per question for MRR (10)")
    evaluate.add_argument("--details", action="store_true", help="list every miss")
    add_corpus_flags(evaluate)
    evaluate.set_defaults(handler=cmd_eval)


def add_report(commands: Subcommands) -> None:
    report = commands.add_parser("report", help="reports for staff: corpus gaps, usage")
    report.add_argument("kind", choices=["gaps", "usage"])
    report.add_argument("--since", help="only questions asked on or after this date (YYYY-MM-DD)")
    report.add_argument("--format", choices=["md", "csv"], default="md", help="output format")
    report.add_argument(
        "--plot",
        nargs="?",
        const="",
        metavar="FILE.png",
        help="also write a PNG chart to this file (alone: data/reports/KIND.png, or KIND-demo.png)",
    )
    report.add_argument(
        "--demo",
        action="store_true",
        help="report on a throwaway database of generated usage, to see the reports before the bot has users",
    )
    add_corpus_flags(report)
    report.set_defaults(handler=cmd_report)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, getattr(args, "log_format", "text"), getattr(args, "log_private", False))
    try:
        return args.handler(args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
