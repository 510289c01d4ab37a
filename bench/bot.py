"""The bot end to end through the fake Discord of tests/bot: INTERACTION_CREATE to the
interaction callback POST, with 1 and with N concurrent users, a burst of distinct users at
once (bench/burst.py), and cold start of `lecture-bot run` (process start to index built +
identified to the gateway).

The bot is the real `lecture-bot run` process over the real lecture, as deployed; the fake
Discord on 127.0.0.1 and the simulated users run in this process, which takes both timestamps
(INTERACTION_CREATE sent, callback received).

    python -m bench.bot               # 1 and 50 concurrent users, 20 rounds; a burst of
                                      # 1,000 users; 5 cold starts
    python -m bench.bot --smoke       # small (CI): 1 and 10 users, a burst of 100, 1 start
    python -m bench.bot --burst 1000  # the burst alone
    python -m bench.bot --json
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.scaled import QUESTIONS, lecture_dir
from retrieval.evaluate import load_questions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "bot"))
from fake_discord import FakeDiscord, Request, guild_create, slash

REPO_ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 3.0
BOT_LOG = REPO_ROOT / ".cache" / "bench-bot.log"
_users = itertools.count(1_500_000_000_000_000_000)


class TimedFake(FakeDiscord):
    """The fake Discord, noting when each request arrived (perf_counter)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, float] = {}

    def route(self, request: Request) -> Any:
        self.arrivals.setdefault(f"{request.method} {request.path}", time.perf_counter())
        return super().route(request)


async def one_interaction(fake: TimedFake, question: str) -> float:
    """Seconds from dispatching a /ask to its callback POST arriving at the fake."""
    payload = slash("ask", {"question": question}, user_id=next(_users))
    path = f"/interactions/{payload['id']}/{payload['token']}/callback"
    mark = fake.mark()
    started = time.perf_counter()
    await fake.dispatch("INTERACTION_CREATE", payload)
    request = await fake.wait_for_request("POST", path, after=mark, timeout=30)
    return fake.arrivals[f"POST {request.path}"] - started


async def latencies(fake: TimedFake, questions: list[str], users: int, rounds: int) -> list[float]:
    cycle = itertools.cycle(questions)
    found: list[float] = []
    for _ in range(rounds):
        batch = [one_interaction(fake, next(cycle)) for _ in range(users)]
        found += await asyncio.gather(*batch)
    return found


def summary(values: list[float]) -> dict[str, Any]:
    ms = np.asarray(values) * 1000
    return {
        "interactions": len(values),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
        "missed_3s": int((ms > DEADLINE_S * 1000).sum()),
    }


async def spawn_bot(fake: FakeDiscord, log_path: Path = BOT_LOG) -> asyncio.subprocess.Process:
    """`lecture-bot run` over the real lecture, as deployed, talking to the fake Discord; its
    stderr goes to `log_path`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "LECTURE_"))}
    env.update(
        DISCORD_TOKEN=fake.token,
        LOG_LEVEL="WARNING",
        LECTURE_BOT_DISCORD_API_BASE=fake.api_base,
        LECTURE_BOT_DISCORD_GATEWAY=fake.gateway_url,
        HEARTBEAT_FILE=str(REPO_ROOT / ".cache" / "bench-heartbeat.json"),
        LECTURE_BOT_DB=str(REPO_ROOT / ".cache" / "bench-bot.sqlite3"),
    )
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("wb") as log:  # read when the bot fails to come up, and by the burst
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--data",
            str(lecture_dir()),
            env=env,
            cwd=REPO_ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )


async def identified(fake: FakeDiscord) -> None:
    """Until the spawned bot has identified; its stderr when it never does."""
    try:
        await fake.wait_until(lambda: fake.gateway.identifies, timeout=60)
    except (TimeoutError, AssertionError):
        tail = BOT_LOG.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"the bot never connected to the fake Discord:\n{tail}") from None


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def interaction_bench(concurrency: Sequence[int], rounds: int) -> dict[str, Any]:
    """The bot in its own process (as deployed), the fake Discord and the users in this one:
    both ends of each measurement are taken here, by the fake."""
    questions = [q.text for q in load_questions(QUESTIONS)]
    fake = await TimedFake().start()
    process = await spawn_bot(fake)
    try:
        await identified(fake)
        await fake.wait_connected()
        await fake.dispatch("GUILD_CREATE", guild_create())  # the bot is in the users' server
        # Untimed warm-up at the highest concurrency: the bot's HTTP connection pool grows
        # to what it needs once, as it would in the first minutes of a real deployment.
        await latencies(fake, questions, max(concurrency), 2)
        results = {}
        for users in concurrency:
            results[str(users)] = summary(await latencies(fake, questions, users, rounds))
    finally:
        await stop(process)
        await fake.close()
    return results


async def cold_start(runs: int) -> list[float]:
    """Seconds from spawning `lecture-bot run` to its IDENTIFY at the fake gateway."""
    found: list[float] = []
    for _ in range(runs):
        fake = await FakeDiscord().start()
        started = time.perf_counter()
        process = await spawn_bot(fake)
        try:
            await identified(fake)
            found.append(time.perf_counter() - started)
        finally:
            await stop(process)
            await fake.close()
    return found


async def run(smoke: bool, burst_users: int | None = None) -> dict[str, Any]:
    from bench.burst import burst

    if burst_users is not None:
        return {"burst": await burst(burst_users)}
    concurrency = (1, 10) if smoke else (1, 50)
    rounds = 3 if smoke else 20
    results: dict[str, Any] = {"interactions": await interaction_bench(concurrency, rounds)}
    results["burst"] = await burst(100 if smoke else 1000)
    starts = await cold_start(1 if smoke else 5)
    results["cold_start_s"] = {
        "runs": len(starts),
        "p50": round(float(np.median(starts)), 2),
        "max": round(max(starts), 2),
    }
    return results


def table(results: dict[str, Any]) -> str:
    from bench.burst import table as burst_table

    if "interactions" not in results:
        return burst_table(results["burst"])
    lines = ["users  interactions  p50 ms  p99 ms  max ms  missed 3 s"]
    for users, row in results["interactions"].items():
        lines.append(
            f"{users:>5}  {row['interactions']:>12}  {row['p50_ms']:>6}  {row['p99_ms']:>6}  "
            f"{row['max_ms']:>6}  {row['missed_3s']:>10}"
        )
    lines.append(burst_table(results["burst"]))
    cold = results["cold_start_s"]
    lines.append(f"cold start (spawn -> identified): median {cold['p50']} s, max {cold['max']} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="few interactions, one cold start")
    parser.add_argument(
        "--burst", type=int, metavar="USERS", help="only a burst of USERS distinct users at once"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    Path(REPO_ROOT / ".cache").mkdir(exist_ok=True)
    results = asyncio.run(run(args.smoke, args.burst))
    print(json.dumps(results, indent=2) if args.json else table(results))
    rows = [*results.get("interactions", {}).values(), results["burst"]]
    missed = sum(row["missed_3s"] for row in rows)
    # A late answer must be a counted miss, never a traceback in the bot's log.
    return 1 if missed or results["burst"]["tracebacks_logged"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
