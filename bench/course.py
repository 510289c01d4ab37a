"""A course of three lectures (`../shared/lecture`): building its indexes, answering every
eval question across the course and within one lecture, peak RSS.

The caches go to a fresh directory, so the build is a first start's (lectures derived from
their captions, four indexes built); the answers are timed after one untimed pass, as the bot
warms up before it serves.

    python -m bench.course
    python -m bench.course --smoke    # few repeats (CI)
    python -m bench.course --json
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench.retrieval import percentile
from bench.scaled import SHARED
from retrieval import lecture_cache
from retrieval.course import load_course
from retrieval.course_index import CourseIndex
from retrieval.evaluate import load_questions

QUESTION_FILES = ("questions.yaml", "dev-questions.yaml", "course/questions.yaml")


def timed(calls: Sequence[Callable[[], object]], repeats: int) -> list[float]:
    """Milliseconds of each call, `repeats` passes after an untimed one."""
    for call in calls:
        call()
    latencies = []
    for _ in range(repeats):
        for call in calls:
            started = time.perf_counter()
            call()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def measure(repeats: int) -> dict[str, Any]:
    questions = [
        question for name in QUESTION_FILES for question in load_questions(SHARED / "eval" / name)
    ]
    with tempfile.TemporaryDirectory() as cache:
        lecture_cache.use_cache_dir(Path(cache))
        started = time.perf_counter()
        index = CourseIndex(load_course(SHARED / "lecture"))
        build_ms = (time.perf_counter() - started) * 1000
        lecture_cache.use_cache_dir(None)
    index.warm()
    across = timed([partial(index.answer, q.text, 3) for q in questions], repeats)
    # Each question asked of one lecture only: its eval lecture, else the first.
    first = index.course.ids[0]
    within = timed(
        [partial(index.answer, q.text, 3, lecture=q.lecture or first) for q in questions],
        repeats,
    )
    return {
        "lectures": len(index.parts),
        "passages": len(index.passages),
        "questions": len(questions),
        "build_ms": round(build_ms),
        "course_p50_ms": percentile(across, 50),
        "course_p99_ms": percentile(across, 99),
        "lecture_p50_ms": percentile(within, 50),
        "lecture_p99_ms": percentile(within, 99),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def report(row: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"course of {row['lectures']} lectures, {row['passages']} passages; "
            f"first build {row['build_ms']} ms; peak RSS {row['peak_rss_mb']} MB",
            f"{row['questions']} questions, whole course: p50 {row['course_p50_ms']:.2f} ms, "
            f"p99 {row['course_p99_ms']:.2f} ms",
            f"{row['questions']} questions, one lecture:  p50 {row['lecture_p50_ms']:.2f} ms, "
            f"p99 {row['lecture_p99_ms']:.2f} ms",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.course", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="few repeats (CI)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--repeats", type=int, help="passes over the questions (default 20)")
    args = parser.parse_args(argv)
    row = measure(args.repeats or (2 if args.smoke else 20))
    print(json.dumps(row, indent=2) if args.json else report(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
