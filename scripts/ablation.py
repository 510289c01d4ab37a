"""Ablation tables for docs/retrieval.md: each question set's metrics with each component removed.

    python scripts/ablation.py [--data DIR] [--questions FILE ...] [--write docs/retrieval.md]

One table per question set (default: the public set, then the dev set), so that a change is
seen on both views at once.

Without --write it prints the Markdown table; with it, it replaces the block between the
`<!-- ablation:start -->` and `<!-- ablation:end -->` markers of that file.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval import evaluate
from retrieval.analysis import KoreanTerms
from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.glossary import KoreanStems
from retrieval.index import Index, SearchConfig
from retrieval.lecture import Lecture
from retrieval.scoring import BM25Params, BM25Variant

REPO = Path(__file__).resolve().parent.parent
START, END = "<!-- ablation:start -->", "<!-- ablation:end -->"
FULL = SearchConfig()
VARIANTS: list[tuple[str, SearchConfig]] = [
    ("full retriever", FULL),
    ("− key moments (60 s windows over the paragraphs)", replace(FULL, moments=False)),
    ("− spoken field (moments' authored words only)", replace(FULL, spoken_weight=0.0)),
    ("spoken field weight 0.5 → 1.0", replace(FULL, spoken_weight=1.0)),
    ("− late links (always the moment's start)", replace(FULL, late_link=0)),
    ("− spelling correction", replace(FULL, correct_spelling=False)),
    ("− glossary expansion", replace(FULL, glossary_weight=0.0)),
    ("− best spelling per idea (every spelling adds up)", replace(FULL, best_spelling=False)),
    ("− glossary phrases as single terms", replace(FULL, phrases=False)),
    ("− glossary spellings capped at the student's word", replace(FULL, cap_spellings=False)),
    ("− chapter prior (our summaries)", replace(FULL, chapter_prior=0.0)),
    ("chapter prior 0.5 → 0.8", replace(FULL, chapter_prior=0.8)),
    ("− Korean translation field", replace(FULL, korean_translation=False)),
    ("Korean translation field weight 0.7 → 1.0", replace(FULL, korean_field_weight=1.0)),
    ("− stemming", replace(FULL, stem=False)),
    ("− stopwords", replace(FULL, stopwords=False)),
    ("− diversity (results may share a minute)", replace(FULL, min_gap=0)),
    ("BM25+ → Okapi (IDF floored)", replace(FULL, bm25=BM25Params(variant=BM25Variant.OKAPI))),
    ("BM25+ → BM25L", replace(FULL, bm25=BM25Params(variant=BM25Variant.BM25L))),
    ("Korean bigrams → Kiwi morphemes", replace(FULL, korean=KoreanTerms.MORPHEME)),
    ("Korean question stems: rules → Kiwi", replace(FULL, korean_stems=KoreanStems.KIWI)),
]
COLUMNS = [
    ("en", "hit@1"),
    ("en", "hit@3"),
    ("en", "mrr@10"),
    ("ko", "hit@1"),
    ("ko", "hit@3"),
    ("all", "mrr@10"),
]
SHARED_EVAL = REPO.parent / "shared" / "eval"
DEFAULT_SETS = [SHARED_EVAL / "questions.yaml", SHARED_EVAL / "dev-questions.yaml"]


def naive_baseline(lecture: Lecture, questions: list[evaluate.Question]) -> dict:
    """rank-bm25 over the raw 30-second paragraphs with lower-cased word tokens."""

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    model = BM25Okapi([tokens(segment.text) for segment in lecture.segments])

    def search(query: str) -> list[int]:
        order = np.argsort(-model.get_scores(tokens(query)), kind="stable")[:10]
        return [lecture.segments[i].start for i in order]

    return evaluate.report(evaluate.run(questions, search))


def measure(lecture: Lecture, questions: list[evaluate.Question], config: SearchConfig) -> dict:
    index = Index.build(lecture, config)
    return evaluate.report(
        evaluate.run(questions, lambda q: [hit.start for hit in index.search(q, k=10)])
    )


def table(rows: list[tuple[str, dict]]) -> str:
    header = "| configuration | " + " | ".join(f"{lang} {m}" for lang, m in COLUMNS) + " |"
    lines = [header, "|---|" + "---:|" * len(COLUMNS)]
    for name, report in rows:
        cells = " | ".join(f"{report[lang][metric]:.3f}" for lang, metric in COLUMNS)
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="lecture data directory")
    parser.add_argument(
        "--questions",
        action="append",
        help="a question set (repeatable; default: the public set, then the dev set)",
    )
    parser.add_argument("--write", metavar="FILE", help="update the tables inside FILE")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    lecture = load_lecture(args.data, load_catalog())
    by_markers = load_lecture(args.data, load_catalog(), realign_translation=False)
    block = START
    for path in args.questions or DEFAULT_SETS:
        questions = evaluate.load_questions(path)
        rows = [(name, measure(lecture, questions, config)) for name, config in VARIANTS]
        rows.append(
            (
                "− translation realignment (paragraphs at their markers)",
                measure(by_markers, questions, FULL),
            )
        )
        rows.append(
            ("naive baseline (rank-bm25, raw paragraphs)", naive_baseline(lecture, questions))
        )
        block += f"\n_`{Path(path).name}`, {len(questions)} questions; generated by "
        block += "`scripts/ablation.py`._\n\n" + table(rows) + "\n"
    block += END
    if not args.write:
        print(block)
        return 0
    path = Path(args.write)
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{path} has no {START} ... {END} block", file=sys.stderr)
        return 2
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    path.write_text(before + block + after, encoding="utf-8")
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
