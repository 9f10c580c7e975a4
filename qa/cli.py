"""``qa`` / ``python -m qa``: a thin command line over the library, with one-line errors."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

from qa import config
from qa.errors import FATAL, InputError, QAError, describe


def reader_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", action=argparse.BooleanOptionalAction, default=None,
                        help="read the best passages with the trained reader (--no-reader: retrieval alone; "
                             f"default: $QA_READER, else {'on' if config.READER_DEFAULT else 'off'})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Tanya Netralitas: questions answered from news articles, with citations.")
    parser.add_argument("-q", "--quiet", action="store_true", help="log only warnings and errors, no progress bars")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build or refresh the index from articles")
    build.add_argument("--source", action="append",
                       help="folder of .txt, PDF, HTML and DOCX files, one such file, or a .jsonl file (repeatable; "
                            "default: seeds)")
    build.add_argument("--index", help="index folder (default: $QA_INDEX or ./index)")
    build.add_argument("--model", help="sentence-transformers name or folder (default: $QA_MODEL or multilingual-e5-small)")
    build.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"],
                       help="encoder backend (default: $QA_BACKEND, else onnx-int8 for the default model, torch for others)")
    build.add_argument("--force", action="store_true", help="re-embed every passage even if nothing changed")
    build.add_argument("--decode-errors", choices=["strict", "replace"], default="strict",
                       help="what to do with bytes that are not UTF-8 (default: strict, name the file and stop)")
    build.add_argument("--engine", choices=["local", "ray"], default="local",
                       help="local: this process (default); ray: a Ray Data pipeline (needs the ray extra)")
    build.add_argument("--address", help="with --engine ray: the Ray cluster to join (default: start a local Ray)")
    build.add_argument("--actors", type=int, help="with --engine ray: embedding actors (default: one per core, "
                       "or one per cluster CPU less one with --address)")

    verify = commands.add_parser("verify", help="hash every file of the index against its manifest")
    verify.add_argument("--index", help="index folder (default: $QA_INDEX or ./index)")

    ask = commands.add_parser("ask", help="answer a question from the indexed articles")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--after", action="append", metavar="QUESTION",
                     help="a previous question of the conversation (repeatable, oldest first): the question may "
                          "follow it up (\"Kalau X?\", \"Kapan itu?\")")
    ask.add_argument("--index", help="index folder (default: $QA_INDEX or ./index, built from ./seeds if missing)")
    ask.add_argument("--model", help="sentence-transformers name or folder")
    ask.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"],
                       help="encoder backend (default: $QA_BACKEND, else onnx-int8 for the default model, torch for others)")
    ask.add_argument("--record", action="store_true", help="add the question to the question record beside the index")
    reader_flag(ask)

    ev = commands.add_parser("eval", help="measure retrieval on a questions .jsonl file")
    ev.add_argument("questions", type=Path)
    ev.add_argument("--index", help="index folder holding the questions' corpus")
    ev.add_argument("--model", help="sentence-transformers name or folder")
    ev.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"],
                       help="encoder backend (default: $QA_BACKEND, else onnx-int8 for the default model, torch for others)")
    reader_flag(ev)
    ev.add_argument("-k", type=int, default=10)
    ev.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")

    er = commands.add_parser("eval-reader", help="read each question of a SQuAD 2.0 file with its own paragraph; "
                             "score it with the official SQuAD 2.0 metric")
    er.add_argument("data", type=Path, help="SQuAD 2.0 JSON file (data -> paragraphs -> context, qas)")
    er.add_argument("--predictions", type=Path, required=True, help="write the answers here: {id: text}, \"\" for none")
    er.add_argument("--na-probs", type=Path, help="also write {id: probability of no answer} here")
    er.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"],
                    help="encoder backend the reader goes with (default: $QA_BACKEND, else onnx-int8: the reader on ONNX fp32)")
    er.add_argument("--json", action="store_true", help="print the scores as JSON, as the official script does")

    session = commands.add_parser("session", help="a training session's question bank: check it, make its handout")
    steps = session.add_subparsers(dest="step", required=True)
    check = steps.add_parser("check", help="answer every question of a bank and check its expected citations")
    check.add_argument("bank", type=Path, help="question bank: .md or .jsonl")
    check.add_argument("-k", type=int, default=5, help="passages per answer searched for the expected ones (default 5)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--index", help="index folder (default: $QA_INDEX or ./index, built from ./seeds if missing)")

    made = steps.add_parser("handout", help="answer a bank and write its handout (.html to print, or .md)")
    made.add_argument("bank", type=Path, help="question bank: .md or .jsonl")
    made.add_argument("-o", "--output", type=Path, required=True, help="handout file: .html (printable) or .md")
    made.add_argument("-k", type=int, default=3, help="passages cited per question (default 3, as on the chat page)")
    made.add_argument("--index", help="index folder (default: $QA_INDEX or ./index, built from ./seeds if missing)")

    record = commands.add_parser("record", help="the questions asked on the page, their outcomes and feedback")
    views = record.add_subparsers(dest="view", required=True)
    for name, text in (("show", "print the recorded questions"), ("export", "write them to FILE.csv or FILE.jsonl")):
        view = views.add_parser(name, help=text)
        if name == "export":
            view.add_argument("file", type=Path, help="FILE.csv or FILE.jsonl")
        else:
            view.add_argument("--json", action="store_true", help="print the rows as JSON")
        view.add_argument("--unanswered", action="store_true", help="only questions not answered (not sure, no answer)")
        view.add_argument("--flagged", action="store_true", help="only answers voted down")
        view.add_argument("--index", help="index folder whose record to read (default: $QA_INDEX or ./index)")

    asked = commands.add_parser("questions", help="the recorded questions, newest first, and the content gaps")
    asked.add_argument("--index", help="index folder whose record to read (default: $QA_INDEX or ./index)")
    asked.add_argument("--since", help="only questions from this day on (YYYY-MM-DD, UTC)")
    asked.add_argument("--json", action="store_true", help="one JSON object a line (time, question, read_as, …)")
    asked.add_argument("--csv", type=Path, metavar="FILE", help="write the rows to FILE.csv")
    serve = commands.add_parser("serve", help="open the chat page")
    serve.add_argument("--index", help="index folder (default: $QA_INDEX or ./index, built from ./seeds if missing)")
    serve.add_argument("--model", help="sentence-transformers name or folder")
    serve.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"],
                       help="encoder backend (default: $QA_BACKEND, else onnx-int8 for the default model, torch for others)")
    reader_flag(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--session", type=Path,
                       help="question bank (.md or .jsonl): an agenda beside the chat, its answers prepared at start-up")
    serve.add_argument("--record", action=argparse.BooleanOptionalAction, default=True,
                       help="keep the question record beside the index (default: on; --no-record: off)")
    serve.add_argument("--batch", action=argparse.BooleanOptionalAction, default=False,
                       help="questions answered at once share the reader's model runs (default: off; measured no faster "
                            "on 2 cores: bench/RESULTS.md \"load-reader\")")
    serve.add_argument("--workers", type=int,
                       help="/api/ask answers computed at once (default: one a core; 4 a core with --batch)")
    serve.add_argument("--allow-upload", action="store_true",
                       help="let the page add PDF, DOCX, HTML and TXT files to the index's corpus folder (off by default)")
    serve.add_argument("--upload-password",
                       help="password the page asks before it takes a file (default: $QA_UPLOAD_PASSWORD); "
                            "required with --allow-upload beyond 127.0.0.1")
    return parser


def _settings(args: argparse.Namespace) -> config.Settings:
    """Every setting resolved once from the flags and the environment (commands without a flag get the default)."""
    return config.settings(args.index, getattr(args, "model", None), getattr(args, "backend", None),
                           getattr(args, "reader", None))


def _engine(args: argparse.Namespace):
    from qa.index.engine import engine_from_settings

    return engine_from_settings(_settings(args))


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from qa.index.build import build
        from qa.models.embed import make_embedder

        sources = args.source or list(config.DEFAULT_SOURCES)
        for source in sources:  # fail before loading the model
            if not Path(source).exists():
                raise InputError(f"source {source!r} does not exist; pass a folder of .txt files or a .jsonl file")
        settings = _settings(args)
        if args.engine != "ray" and (args.address or args.actors):
            raise InputError("--address and --actors apply to the Ray engine; add --engine ray")
        if args.actors is not None and args.actors < 1:
            raise InputError(f"--actors {args.actors} is not a positive number of embedding actors; pass 1 or more")
        if args.engine == "ray":
            from qa.index.ray_build import build as ray_build

            result = ray_build(sources, settings.index, settings.model, settings.backend, address=args.address,
                               actors=args.actors, force=args.force, decode_errors=args.decode_errors,
                               progress=not args.quiet)
        else:
            result = build(sources, settings.index, make_embedder(settings.model, settings.backend),
                           force=args.force, decode_errors=args.decode_errors, progress=not args.quiet)
        state = "up to date" if result.skipped else f"built ({result.embedded} passages embedded, {result.reused} reused)"
        print(f"{result.folder.parent}: {state}; {result.articles} articles, {result.passages} passages")
    elif args.command == "verify":
        from qa.index import store

        root = _settings(args).index
        manifest = store.verify(root)
        size = sum(f["bytes"] for f in manifest["files"].values())
        print(f"{root}: {len(manifest['files'])} files, {size / 1e6:.1f} MB, every byte matches the manifest "
              f"({manifest['corpus']['passages']} passages, {manifest['faiss']['kind']} vector index)")
    elif args.command == "ask":
        from qa.answering.ask import answer_with, check_k, clean_question

        clean_question(args.question)
        check_k(args.k)
        try:
            history = [clean_question(q) for q in args.after or ()]
        except InputError as exc:
            raise InputError(f"--after: {exc}") from exc
        answer = answer_with(_engine(args), args.question, k=args.k, history=history)
        if args.record:
            from qa.session.record import Record, record_path

            Record(record_path(_settings(args).index)).add_question(args.question, answer, source="cli")
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else answer.format())
    elif args.command == "eval":
        from qa.answering.evaluate import evaluate, read_questions

        rows = read_questions(args.questions)
        engine = _engine(args)
        reports = {"retrieval only": evaluate(engine, rows, k=args.k, mode=args.mode, reader=False)}
        if engine.reader is not None:
            reports = {"reader": evaluate(engine, rows, k=args.k, mode=args.mode)} | reports
        if args.json:
            print(json.dumps({name: report.to_dict() for name, report in reports.items()}, indent=2))
        else:
            print(f"{'':18}" + "".join(f"{name:>16}" for name in reports))
            for field in next(iter(reports.values())).to_dict():
                values = [report.to_dict()[field] for report in reports.values()]
                print(f"{field:18}" + "".join(f"{'-' if v is None else (f'{v:.3f}' if isinstance(v, float) else v):>16}"
                                              for v in values))
    elif args.command == "eval-reader":
        from qa.answering import squad
        from qa.index.engine import reader_for

        questions = squad.read_squad(args.data)  # a bad file or output folder fails before the reader loads
        for path in (args.predictions, args.na_probs):
            if path is not None:
                squad.check_writable(path)
        predictions, na_probs = squad.predict(reader_for(config.backend_name(config.DEFAULT_MODEL, args.backend)), questions)
        squad.write_json(args.predictions, predictions)
        if args.na_probs is not None:
            squad.write_json(args.na_probs, na_probs)
        result = squad.score(questions, predictions, na_probs if args.na_probs is not None else None)
        print(json.dumps(result, indent=2) if args.json else squad.format_scores(result))
    elif args.command == "session":
        return _session(args)
    elif args.command == "record":
        from qa.session import record

        if args.view == "export":
            if args.file.suffix.lower() not in (".csv", ".jsonl"):  # a wrong name fails before the record is read
                raise InputError(f"cannot export to {args.file.name}: name a .csv or .jsonl file")
        rows = record.open_existing(record.record_path(_settings(args).index)).rows(args.unanswered, args.flagged)
        if args.view == "export":
            print(f"{record.export(rows, args.file)}: {len(rows)} questions")
        else:
            print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) if args.json else record.format_rows(rows))
    elif args.command == "questions":
        from qa.session import questions, record
        print(questions.report(record.open_existing(record.record_path(_settings(args).index)).rows(), args.since,
                               args.json, args.csv))
    elif args.command == "serve":
        from qa.app import serve

        if args.workers is not None and args.workers < 1:  # refused before the model loads, as --actors is
            raise InputError(f"--workers {args.workers} is not a positive number of answers at once; pass 1 or more")
        serve(_settings(args), host=args.host, port=args.port, session=args.session, allow_upload=args.allow_upload,
              upload_password=config.upload_password(args.upload_password), record=args.record,
              batch=args.batch, workers=args.workers)
    return 0


def _session(args: argparse.Namespace) -> int:
    """``qa session check`` (exit code 1 when an expected citation is missing) and ``qa session handout``."""
    from qa.answering.ask import check_k
    from qa.session.bank import read_bank
    from qa.session.prepare import check_bank, prepare

    bank, k = read_bank(args.bank), check_k(args.k)  # a malformed bank fails before the model loads
    if args.step == "handout":
        from qa.session import handout as session_handout

        session_handout.target(args.output)  # a wrong file name fails before the model loads too
        path = session_handout.write(args.output, bank, prepare(_engine(args), bank, k))
        print(f"{path}: {len(bank.questions)} questions of {bank.path}")
        return 0
    report = check_bank(_engine(args), bank, k=k)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.format())
    return 0 if report.passed else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    for handler in logging.getLogger().handlers:  # libraries that set their own loggers to DEBUG (bm25s) stay quiet too
        handler.setLevel(level)
    for noisy in ("ray", "httpx", "sentence_transformers", "transformers", "huggingface_hub", "bm25s", "faiss", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return _run(args)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (`qa ask ... | head`): nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit's flush fails silently
        return 1
    except FATAL:
        raise
    except BaseException as exc:  # a bug: still one line (the traceback is in the log at debug level)
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        print(f"qa: error: unexpected failure ({describe(exc)}); please report it with the command that caused it",
              file=sys.stderr)
        return 2
