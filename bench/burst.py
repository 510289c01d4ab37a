"""A burst: N distinct users ask `/ask` at the same instant, through the fake Discord, and every
one must be answered within Discord's 3-second deadline, counted from the moment Discord
created the interaction (its id's timestamp), not from when the bot read it.

The fake refuses a late callback as Discord does (404, "Unknown interaction", code 10062), so
a late answer is a missed one and not a slow one. An interaction the bot could not answer in
time must be deferred (type 5) within the deadline and answered by a followup afterwards.

    python -m bench.bot --burst 1000      # this burst alone
    python -m bench.bot --smoke           # includes a burst of 100 (CI)
"""

from __future__ import annotations

import itertools
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

# bench.bot puts tests/bot on sys.path for the fake Discord: take its names from there.
from bench.bot import (
    BOT_LOG,
    DEADLINE_S,
    Request,
    TimedFake,
    guild_create,
    identified,
    slash,
    spawn_bot,
    stop,
)
from bench.scaled import QUESTIONS
from retrieval.evaluate import load_questions

_users = itertools.count(1_600_000_000_000_000_000)


class BurstFake(TimedFake):
    """The fake Discord, refusing late callbacks like Discord and noting, per interaction, its
    first callback (time, type, status) and its followup."""

    def __init__(self) -> None:
        super().__init__()
        self.interaction_deadline = DEADLINE_S
        self.callbacks: dict[str, tuple[float, int | None, int]] = {}
        self.followups: dict[str, float] = {}
        self.created: dict[str, float] = {}

    def route(self, request: Request) -> Any:
        arrived = time.perf_counter()
        response = super().route(request)
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            kind = request.json.get("type")
            self.callbacks.setdefault(parts[1], (arrived, kind, response.status))
        elif request.method == "POST" and parts[0] == "webhooks" and len(parts) == 3:
            self.followups.setdefault(parts[2], arrived)
        return response


def _done(fake: BurstFake, payloads: list[dict[str, Any]]) -> bool:
    for payload in payloads:
        callback = fake.callbacks.get(payload["id"])
        if callback is None:
            return False
        _, kind, status = callback
        if status == 200 and kind == 5 and payload["token"] not in fake.followups:
            return False
    return True


async def _ask_all(fake: BurstFake, questions: list[str], users: int) -> list[dict[str, Any]]:
    """Dispatch `users` /ask interactions back to back, each created just before it is sent."""
    cycle = itertools.cycle(questions)
    payloads = []
    for _ in range(users):
        payload = slash("ask", {"question": next(cycle)}, user_id=next(_users))
        fake.created[payload["id"]] = time.perf_counter()  # as its id's timestamp says
        await fake.dispatch("INTERACTION_CREATE", payload)
        payloads.append(payload)
    return payloads


async def burst(users: int, *, timeout: float = 120.0, log_path: Path = BOT_LOG) -> dict[str, Any]:
    """Spawn `lecture-bot run`, warm it with a few questions, then send a burst of `users`
    questions; the figures, and the tracebacks and errors the bot logged (its log, to the end
    of its shutdown, is `log_path`)."""
    questions = [q.text for q in load_questions(QUESTIONS)]
    fake = await BurstFake().start()
    process = await spawn_bot(fake, log_path)
    try:
        await identified(fake)
        await fake.wait_connected()
        await fake.dispatch("GUILD_CREATE", guild_create())
        warm = await _ask_all(fake, questions, 20)  # untimed: connection pool, caches
        await fake.wait_until(lambda: _done(fake, warm), timeout=30)
        bot_cpu, own_cpu = _cpu_seconds(process.pid), _own_cpu_seconds()
        started = time.perf_counter()
        payloads = await _ask_all(fake, questions, users)
        sending = time.perf_counter() - started
        await fake.wait_until(lambda: _done(fake, payloads), timeout=timeout)
        elapsed = time.perf_counter() - started
        bot_cpu, own_cpu = _cpu_seconds(process.pid) - bot_cpu, _own_cpu_seconds() - own_cpu
    finally:
        await stop(process)
        await fake.close()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    result = _figures(fake, payloads, sending, log)
    result["until_all_answered_s"] = round(elapsed, 2)
    result["cpu_s"] = {"bot": round(bot_cpu, 2), "fake_and_users": round(own_cpu, 2)}
    return result


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _figures(
    fake: BurstFake, payloads: list[dict[str, Any]], sending: float, log: str
) -> dict[str, Any]:
    first, final = [], []
    missed = deferred = 0
    for payload in payloads:
        arrived, kind, status = fake.callbacks[payload["id"]]
        sent = fake.created[payload["id"]]
        if status != 200 or arrived - sent > DEADLINE_S:
            missed += 1
            continue
        first.append(arrived - sent)
        if kind == 5:
            deferred += 1
            final.append(fake.followups[payload["token"]] - sent)
        else:
            final.append(arrived - sent)

    def ms(values: list[float], q: float) -> float:
        return round(float(np.percentile(np.asarray(values) * 1000, q)), 1) if values else 0.0

    return {
        "users": len(payloads),
        "sent_in_ms": round(sending * 1000, 1),
        "missed_3s": missed,
        "deferred": deferred,
        "first_response_ms": {
            "min": ms(first, 0),
            "p50": ms(first, 50),
            "p99": ms(first, 99),
            "max": ms(first, 100),
        },
        "answered_ms": {"p50": ms(final, 50), "p99": ms(final, 99), "max": ms(final, 100)},
        "tracebacks_logged": log.count("Traceback"),
        "errors_logged": sum(" ERROR " in line for line in log.splitlines()),
    }


def table(result: dict[str, Any]) -> str:
    first, final, cpu = result["first_response_ms"], result["answered_ms"], result["cpu_s"]
    return "\n".join(
        [
            f"burst of {result['users']} users (sent in {result['sent_in_ms']} ms): "
            f"missed 3 s {result['missed_3s']}, deferred {result['deferred']}",
            f"  first response  min {first['min']} ms  p50 {first['p50']} ms  "
            f"p99 {first['p99']} ms  max {first['max']} ms",
            f"  answered        p50 {final['p50']} ms  p99 {final['p99']} ms  "
            f"max {final['max']} ms",
            f"  all answered after {result['until_all_answered_s']} s; CPU: bot {cpu['bot']} s, "
            f"fake Discord and users {cpu['fake_and_users']} s",
            f"  bot log: {result['tracebacks_logged']} tracebacks, "
            f"{result['errors_logged']} errors",
        ]
    )
