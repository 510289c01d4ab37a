"""What the message catalogue costs a command: the first `message()` of a process imports
polib and parses one language's PO file (bot/locale/*.po); later ones are dictionary lookups.

Runs `lecture-bot ask` in a new process each time (an English and a Korean question, so each
language's file), with the catalogue's loader timed from inside, and the same load on its own;
the least and median of `--runs` are given (wall time, milliseconds).

    python -m bench.messages
    python -m bench.messages --runs 5 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from bench.scaled import REPO_ROOT, SHARED

QUESTIONS = {"en": "what is SFT", "ko": "토큰화가 뭐야"}

#: `lecture-bot ask QUESTION` with the catalogue's loader timed: milliseconds on stderr.
IN_ASK = """
import runpy, sys, time
import bot.messages as messages
load, spent = messages.catalogue, []
def timed(lang):
    started = time.perf_counter()
    try:
        return load(lang)
    finally:
        spent.append(time.perf_counter() - started)
messages.catalogue = timed
sys.argv = ["lecture-bot", "ask", sys.argv[1]]
try:
    runpy.run_module("bot.cli", run_name="__main__")
except SystemExit:
    pass
print("BENCH", 1000 * spent[0], 1000 * sum(spent[1:]) / max(1, len(spent) - 1), file=sys.stderr)
"""


def run_once(question: str) -> tuple[float, float]:
    """(the first load, the mean of every later call) in ms, from one `ask`."""
    env = {**os.environ, "LECTURE_DATA_DIR": str(SHARED / "lecture" / "deep-dive-llms")}
    done = subprocess.run(
        [sys.executable, "-c", IN_ASK, question],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("BENCH"))
    first, later = (float(value) for value in line.split()[1:])
    return first, later


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report: dict[str, dict[str, float]] = {}
    for lang, question in QUESTIONS.items():
        runs = [run_once(question) for _ in range(args.runs)]
        firsts, laters = [first for first, _ in runs], [later for _, later in runs]
        report[lang] = {
            "first_min_ms": min(firsts),
            "first_median_ms": statistics.median(firsts),
            "later_median_ms": statistics.median(laters),
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for lang, row in report.items():
        print(
            f"ask in {lang}: first message {row['first_min_ms']:.2f} ms "
            f"(median {row['first_median_ms']:.2f}), later lookups "
            f"{row['later_median_ms'] * 1000:.1f} µs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
