"""`lecture-bot eval QUESTIONS.yaml`: hit@1/3/5 and MRR@10, overall and per language."""

from __future__ import annotations

import argparse
import json

from bot.cli import EXIT_OK, add_data_option
from bot.cli.loading import index_from
from bot.messages import message as say
from retrieval import evaluate


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure retrieval on a question set (hit@1/3/5, MRR@10)"
    )
    parser.add_argument("questions", help="a questions.yaml file (see ../shared/eval/README.md)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--misses", action="store_true", help="list questions without a top hit")
    add_data_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    questions = evaluate.load_questions(args.questions)
    index = index_from(args)
    depth = evaluate.MRR_DEPTH
    # answer(), not search(): a question the bot refuses as not covered is a miss here, and an
    # off-topic question it refuses is a hit. A result names its lecture for course questions.
    outcomes = evaluate.run(
        questions,
        lambda q: [(hit.lecture, hit.start) for hit in index.answer(q, k=depth).hits],
    )
    report = evaluate.report(outcomes)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    if args.misses:
        for outcome in outcomes:
            if outcome.first_hit != 1:
                rank = outcome.first_hit or "-"
                question = outcome.question
                line = say("cli_eval_miss", "en", id=question.id, rank=rank, question=question.text)
                print(f"  {line}")
    return EXIT_OK


def format_report(report: dict[str, dict[str, float]]) -> str:
    columns = ["hit@1", "hit@3", "hit@5", "mrr@10"]
    width = max(6, *(len(name) + 1 for name in report))
    lines = [f"{'':<{width}}{'n':>4}" + "".join(f"{c:>9}" for c in columns)]
    for name, row in report.items():
        values = "".join(f"{row.get(c, 0.0):>9.3f}" for c in columns)
        lines.append(f"{name:<{width}}{int(row['questions']):>4}{values}")
    return "\n".join(lines)
