"""`lecture-bot run` / `lecture-bot sync` as real subprocesses pointed at the fake Discord
through the documented test hooks (LECTURE_BOT_DISCORD_API_BASE, LECTURE_BOT_DISCORD_GATEWAY)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest
from fake_discord import APP_ID, FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_LECTURE = REPO_ROOT.parent / "shared" / "lecture" / "deep-dive-llms"
CLI = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def environment(fake: FakeDiscord | None, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "LECTURE_", "LOG_LEVEL"))
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["LECTURE_BOT_DB"] = str(Path(tempfile.mkdtemp(prefix="lecture-bot-db-")) / "bot.sqlite3")
    if fake is not None:
        env["LECTURE_BOT_DISCORD_API_BASE"] = fake.api_base
        env["LECTURE_BOT_DISCORD_GATEWAY"] = fake.gateway_url
    env.update(extra)
    return env


async def start_cli(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    stdout: int = asyncio.subprocess.PIPE,
    python_flags: tuple[str, ...] = (),
) -> asyncio.subprocess.Process:
    """`lecture-bot ARGS` as a subprocess (stderr piped), not waited for."""
    return await asyncio.create_subprocess_exec(
        CLI[0],
        *python_flags,
        *CLI[1:],
        *args,
        env=env,
        cwd=cwd,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
    )


async def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 30):
    process = await start_cli(*args, env=env, cwd=cwd)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, out.decode(), err.decode()


async def test_missing_token_is_one_clear_line(tmp_path: Path):
    code, out, err = await run_cli("run", env=environment(None), cwd=tmp_path)
    assert code == 2
    assert err.strip().splitlines() == [
        "lecture-bot: DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or "
        "the environment (see the README, 'Discord bot')."
    ]
    assert out == ""


async def test_rejected_token_is_one_clear_line_without_the_token(fake: FakeDiscord, tmp_path):
    wrong = "WRONG.t0ken-value.that-must-not-leak"
    env = environment(fake, DISCORD_TOKEN=wrong, LOG_LEVEL="WARNING")
    code, _, err = await run_cli("run", "--data", str(tmp_path), env=env, cwd=tmp_path)
    assert code == 2
    assert err.strip().splitlines() == [
        "lecture-bot: Discord rejected DISCORD_TOKEN (invalid or reset). Copy the token again "
        "from the Developer Portal (your application -> Bot -> Reset Token) into .env."
    ]
    assert wrong not in err


async def test_token_from_dotenv_and_guild_sync(fake: FakeDiscord, tmp_path: Path):
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={fake.token}\nLOG_LEVEL=DEBUG\n")
    code, out, err = await run_cli("sync", "--guild", "42", env=environment(fake), cwd=tmp_path)
    assert (code, out) == (0, "Synced 11 commands to guild 42.\n"), err
    assert "Traceback" not in err
    assert fake.token not in err  # not even at DEBUG
    [put] = [r for r in fake.requests if r.method == "PUT"]
    assert put.path == f"/applications/{APP_ID}/guilds/42/commands"


async def test_missing_transcript_is_one_clear_line(fake: FakeDiscord, tmp_path: Path):
    env = environment(fake, DISCORD_TOKEN=fake.token, LOG_LEVEL="WARNING")
    code, _, err = await run_cli("run", "--data", str(tmp_path / "nowhere"), env=env, cwd=tmp_path)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("lecture-bot: No lecture transcript found in ")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_serves_and_exits_zero_on_signal(
    fake: FakeDiscord, tmp_path: Path, shared_lecture_dir: Path, sig: signal.Signals
):
    # SIGINT run: --sync goes to DISCORD_GUILD_ID when it is set; SIGTERM run: globally.
    guild = {"DISCORD_GUILD_ID": "42"} if sig is signal.SIGINT else {}
    env = environment(fake, DISCORD_TOKEN=fake.token, LOG_LEVEL="DEBUG", **guild)
    process = await start_cli(
        "run", "--sync", "--data", str(shared_lecture_dir), env=env, cwd=tmp_path
    )
    try:
        await fake.wait_until(lambda: fake.gateway.identifies, timeout=30)
        put = [r for r in fake.requests if r.method == "PUT"]
        where = "/guilds/42" if guild else ""
        assert [r.path for r in put] == [f"/applications/{APP_ID}{where}/commands"]
        started = time.monotonic()
        process.send_signal(sig)
        _, err = await asyncio.wait_for(process.communicate(), 5)
        assert time.monotonic() - started < 5
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = err.decode()
    assert process.returncode == 0, text[-2000:]
    assert "Traceback" not in text
    assert fake.token not in text
    assert f"{sig.name} received: shutting down" in text
    assert "index ready: Deep Dive into LLMs like ChatGPT (24 chapters)" in text
