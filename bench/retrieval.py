"""Retrieval at 1×, 10× and 100× the lecture: build time, query latency, peak RSS, and our
BM25Scorer against rank-bm25's `get_scores` on the same corpus.

Each scale runs in a fresh subprocess so its peak RSS is its own.

    python -m bench.retrieval            # 1×, 10×, 100×
    python -m bench.retrieval --smoke    # 1×, 2×, few repeats (CI)
    python -m bench.retrieval --json
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.scaled import QUESTIONS, real_lecture, scaled_lecture
from bot.timeline import answer_timeline, timeline_png, timeline_strip
from retrieval.evaluate import load_questions
from retrieval.index import Index
from retrieval.scoring import reference_model


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of `values`, linear interpolation."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def measure(times: int, repeats: int, ref_repeats: int) -> dict[str, Any]:
    """Everything for one scale; run inside its own process."""
    lecture = scaled_lecture(real_lecture(), times)
    questions = [q.text for q in load_questions(QUESTIONS)]

    started = time.perf_counter()
    index = Index.build(lecture)
    build_ms = (time.perf_counter() - started) * 1000

    # One untimed pass first: lazy analyzers (Kiwi for Korean) load on first use, as the bot's
    # setup_hook does before it serves. Its slowest query is reported apart.
    first_pass: list[float] = []
    for text in questions:
        started = time.perf_counter()
        index.answer(text, k=3)
        first_pass.append((time.perf_counter() - started) * 1000)

    latencies: list[float] = []
    for _ in range(repeats):
        for text in questions:
            started = time.perf_counter()
            index.answer(text, k=3)
            latencies.append((time.perf_counter() - started) * 1000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    timeline = timeline_timings(index, questions, repeats)

    # Scoring alone, ours vs rank-bm25, on the index's own passages and params: the spoken
    # field of key moments (their caption words), or runs of segments whose terms are their
    # segments' (a phrase is never matched across two segments).
    if index.by_moments and index.clock.has_timings:
        corpus = [index.english_terms(p.text) for p in index.passages]
    else:
        segment_terms = [index.english_terms(s.text) for s in index.lecture.segments]
        corpus = [
            [term for i in range(p.first, p.last + 1) for term in segment_terms[i]]
            for p in index.passages
        ]
    params = index.config.bm25
    started = time.perf_counter()
    model = reference_model(corpus, params)
    ref_build_ms = (time.perf_counter() - started) * 1000
    queries = [[t.term for t in index.query_terms(text)] for text in questions]
    ours: list[float] = []
    theirs: list[float] = []
    identical = True
    for _ in range(ref_repeats):
        for terms in queries:
            started = time.perf_counter()
            mine = index.scorer.scores(terms)
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            reference = model.get_scores(terms)
            theirs.append((time.perf_counter() - started) * 1000)
            identical = identical and bool(np.allclose(mine, reference))
    return {
        "scale": times,
        "segments": len(lecture.segments),
        "passages": len(index.passages),
        "hours": round(lecture.catalog.duration / 3600, 1),
        "build_ms": round(build_ms, 1),
        "queries": len(latencies),
        "first_pass_max_ms": round(max(first_pass), 1),
        "query_p50_ms": round(percentile(latencies, 50), 3),
        "query_p99_ms": round(percentile(latencies, 99), 3),
        "peak_rss_mb": round(rss_mb, 1),
        "scorer_p50_ms": round(statistics.median(ours), 3),
        "scorer_p99_ms": round(percentile(ours, 99), 3),
        "rank_bm25_p50_ms": round(statistics.median(theirs), 3),
        "rank_bm25_p99_ms": round(percentile(theirs, 99), 3),
        "rank_bm25_build_ms": round(ref_build_ms, 1),
        "scores_identical": identical,
        **timeline,
    }


def timeline_timings(index: Index, questions: Sequence[str], repeats: int) -> dict[str, Any]:
    """The /ask picture of each answered question (issue 17: < 50 ms): finding every matching
    moment (`Index.matches`), drawing the PNG, and the terminal's one-line strip, apart."""
    answers = [answer for answer in (index.answer(q, k=3) for q in questions) if answer.found]
    matches: list[float] = []
    pictures: list[float] = []
    strips: list[float] = []
    marks: list[int] = []
    first = answer_timeline(index, answers[0], shown=3)
    assert first is not None
    timeline_png(first)  # untimed: the first picture imports Pillow and loads its font
    for _ in range(max(1, repeats // 4)):
        for answer in answers:
            started = time.perf_counter()
            timeline = answer_timeline(index, answer, shown=3)
            matches.append((time.perf_counter() - started) * 1000)
            assert timeline is not None
            marks.append(len(timeline.matches))
            started = time.perf_counter()
            timeline_png(timeline)
            pictures.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            timeline_strip(timeline, 80)
            strips.append((time.perf_counter() - started) * 1000)
    return {
        "timeline_answers": len(pictures),
        "timeline_matches_median": int(statistics.median(marks)),
        "matches_p50_ms": round(percentile(matches, 50), 3),
        "png_p50_ms": round(percentile(pictures, 50), 2),
        "png_p99_ms": round(percentile(pictures, 99), 2),
        "png_max_ms": round(max(pictures), 2),
        "strip_p50_ms": round(percentile(strips, 50), 3),
    }


def run_scale(times: int, repeats: int, ref_repeats: int) -> dict[str, Any]:
    """`measure` in a fresh interpreter, so peak RSS belongs to this scale alone."""
    command = [
        sys.executable,
        "-m",
        "bench.retrieval",
        "--one",
        str(times),
        "--repeats",
        str(repeats),
        "--ref-repeats",
        str(ref_repeats),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"scale {times}× failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = (
    ("scale", "scale", "{}×"),
    ("hours", "hours", "{}"),
    ("passages", "passages", "{}"),
    ("build ms", "build_ms", "{}"),
    ("query p50", "query_p50_ms", "{:.2f}"),
    ("query p99", "query_p99_ms", "{:.2f}"),
    ("RSS MB", "peak_rss_mb", "{}"),
    ("ours p50", "scorer_p50_ms", "{:.3f}"),
    ("rank-bm25 p50", "rank_bm25_p50_ms", "{:.3f}"),
    ("identical", "scores_identical", "{}"),
    ("timeline png p50", "png_p50_ms", "{:.2f}"),
    ("png p99", "png_p99_ms", "{:.2f}"),
)


def table(rows: Sequence[dict[str, Any]]) -> str:
    cells = [[name for name, _, _ in COLUMNS]]
    cells += [[fmt.format(row[key]) for _, key, fmt in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    note = (
        "(times in ms; query = Index.answer(k=3); ours/rank-bm25 = scoring only; "
        "timeline png = drawing an answer's picture)"
    )
    return "\n".join([*lines, note])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="1× and 2×, few repeats (CI)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--scales", type=int, nargs="+", help="scales to run (default 1 10 100)")
    parser.add_argument("--repeats", type=int, help="passes over the eval questions")
    parser.add_argument("--ref-repeats", type=int, help="passes for the scorer comparison")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.smoke else 20)
    ref_repeats = args.ref_repeats or (1 if args.smoke else 3)
    if args.one:
        print(json.dumps(measure(args.one, repeats, ref_repeats)))
        return 0
    scales = args.scales or ([1, 2] if args.smoke else [1, 10, 100])
    rows = [run_scale(times, repeats, ref_repeats) for times in scales]
    print(json.dumps(rows, indent=2) if args.json else table(rows))
    failed = [row["scale"] for row in rows if not row["scores_identical"]]
    if failed:
        print(f"scores differ from rank-bm25 at scale(s) {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
