"""Cold start of a command, and a first-time question against a repeated one (issue 15).

For the first lecture and for the course of three (`../shared/lecture`), in a cache directory
of its own:

- `lecture-bot ask "what is SFT"` under `/usr/bin/time -v`, a new process each time: the first
  run ever (derives the lectures, builds the indexes, saves both), a run with the lectures
  cached but not the index (the start after an upgrade or a changed catalog: the index is
  built, then saved with every passage analysed), and later runs (everything loaded from the
  cache); `python -c "import numpy, yaml"` for scale.
- In a process with the cached index: every question of the eval sets asked once (each a
  first-time question), then all again (each repeated; the least of three passes); and the
  process's very first question against its repeat, in CPU time. Once as loaded (a command's
  one question), once after `warm()`, `gc.collect()` and `gc.freeze()` (what the bot does
  before it serves); each in three processes, the one of the median ratio given.

CPU is user + system time; each case runs `--runs` times and the least and median are given
(the machine is shared: the least is the cost, the median what a run usually saw; the cached
runs and `import numpy, yaml` take turns, so that both see the same load). Python
writes bytecode as an installed package would have it (PYTHONDONTWRITEBYTECODE is unset).

    python -m bench.cold_start
    python -m bench.cold_start --runs 3 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.scaled import REPO_ROOT, SHARED

QUESTION = "what is SFT"
CASES = {
    "first lecture": (SHARED / "lecture" / "deep-dive-llms", ["questions", "dev-questions"]),
    "course of three": (SHARED / "lecture", ["course/questions"]),
}


def timed(command: Sequence[str], env: dict[str, str], cwd: str) -> dict[str, float]:
    """CPU seconds (user + system) and peak RSS (MB) of `command`, from /usr/bin/time -v."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    fields = {}
    for line in done.stderr.splitlines():
        name, _, value = line.strip().rpartition(": ")
        fields[name] = value
    return {
        "cpu_s": float(fields["User time (seconds)"]) + float(fields["System time (seconds)"]),
        "rss_mb": int(fields["Maximum resident set size (kbytes)"]) / 1024,
    }


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    cpu = [run["cpu_s"] for run in runs]
    return {
        "cpu_min_s": round(min(cpu), 2),
        "cpu_median_s": round(statistics.median(cpu), 2),
        "rss_mb": round(max(run["rss_mb"] for run in runs)),
        "runs": len(runs),
    }


def command_costs(data: Path, sets: list[str], runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lecture-bot-bench-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(LECTURE_CACHE_DIR=cache, LECTURE_DATA_DIR=str(data))
        ask = [sys.executable, "-m", "bot.cli", "ask", QUESTION]
        # Run from the (empty) cache directory: no .env there to read.
        subprocess.run([*ask[:3], "--help"], env=env, cwd=cache, capture_output=True)  # bytecode
        first = timed(ask, env, cache)
        lecture_only = []
        for _ in range(runs):
            for index_file in Path(cache).glob("index-*.bin"):
                index_file.unlink()
            lecture_only.append(timed(ask, env, cache))
        # Interleaved, so that both see the same load on a shared machine.
        numbers = [sys.executable, "-c", "import numpy, yaml"]
        cached, scale = [], []
        for _ in range(runs):
            cached.append(timed(ask, env, cache))
            scale.append(timed(numbers, env, cache))
        questions = first_and_repeated(sets, env, warm=False)
        warmed = first_and_repeated(sets, env, warm=True)
    return {
        "first_run": summary([first]),
        "lecture_cached_index_built": summary(lecture_only),
        "cached": summary(cached),
        "import_numpy_yaml": summary(scale),
        "questions": questions,
        "questions_after_warm": warmed,
    }


def first_and_repeated(
    sets: list[str], env: dict[str, str], warm: bool, processes: int = 3
) -> dict[str, Any]:
    """`measure_questions` in `processes` fresh processes (the index comes from the cache):
    the run of the median ratio."""
    command = [sys.executable, "-m", "bench.cold_start", "--questions", *sets]
    command += ["--warm"] if warm else []
    runs = []
    for _ in range(processes):
        done = subprocess.run(
            command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return sorted(runs, key=lambda run: run["ratio"])[len(runs) // 2]


def measure_questions(sets: list[str], warm: bool) -> dict[str, Any]:
    from bot.settings import Settings
    from retrieval.course import load_course
    from retrieval.course_index import build_index
    from retrieval.evaluate import load_questions

    questions = [q.text for name in sets for q in load_questions(SHARED / "eval" / f"{name}.yaml")]
    index = build_index(load_course(Settings.from_env().data_dir))  # LECTURE_DATA_DIR, as set
    if warm:  # as the bot's setup_hook: warm up, then put what exists out of the collector's way
        index.warm()
        gc.collect()
        gc.freeze()

    def ask(question: str) -> float:  # CPU time: other work on the machine does not count
        started = time.process_time()
        index.answer(question, k=3)
        return time.process_time() - started

    very_first = ask(questions[0])
    very_first_again = ask(questions[0])
    first = [very_first, *map(ask, questions[1:])]
    repeated = min(([ask(question) for question in questions] for _ in range(3)), key=sum)
    return {
        "questions": len(questions),
        "first_pass_ms": round(sum(first) * 1000, 1),
        "repeated_pass_ms": round(sum(repeated) * 1000, 1),
        "ratio": round(sum(first) / sum(repeated), 2),
        "very_first_ms": round(very_first * 1000, 2),
        "very_first_again_ms": round(very_first_again * 1000, 2),
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        "| lectures | first run ever | lecture cached, index built and saved | cached | "
        "`import numpy, yaml` | cached ÷ import | peak RSS (cached) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        cells = [
            f"{row[key]['cpu_min_s']:.2f} s (median {row[key]['cpu_median_s']:.2f})"
            for key in ("first_run", "lecture_cached_index_built", "cached", "import_numpy_yaml")
        ]
        ratio = row["cached"]["cpu_min_s"] / row["import_numpy_yaml"]["cpu_min_s"]
        cells += [f"{ratio:.1f}×", f"{row['cached']['rss_mb']} MB"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| lectures | questions | first-time pass | repeated pass | ratio | "
        "the process's first question | asked again |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        for when, key in (("as loaded", "questions"), ("after warm()", "questions_after_warm")):
            q = row[key]
            lines.append(
                f"| {name}, {when} | {q['questions']} | {q['first_pass_ms']} ms | "
                f"{q['repeated_pass_ms']} ms | {q['ratio']}× | {q['very_first_ms']} ms | "
                f"{q['very_first_again_ms']} ms |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each case (default 7)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--questions", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.questions:
        print(json.dumps(measure_questions(args.questions, args.warm)))
        return 0
    results = {name: command_costs(data, sets, args.runs) for name, (data, sets) in CASES.items()}
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
