"""Gateway close codes that no reconnect can fix (a reset token, bad sharding, a bad API
version, bad or disallowed intents) end `lecture-bot run` with one line on stderr and exit
status 2, which the systemd unit does not restart (RestartPreventExitStatus=2); any other
disconnect is reconnected."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from discord_harness import Harness
from fake_discord import FakeDiscord, slash
from test_discord_runner import environment, start_cli

FATAL = {
    4004: "Discord rejected DISCORD_TOKEN",
    4010: "invalid shard",
    4011: "needs sharding",
    4012: "API version",
    4013: "invalid intents",
    4014: "privileged intents",
}


async def _run_until_exit(fake: FakeDiscord, lecture: Path, cwd: Path, **extra: str):
    # ERROR: the one line must stand alone (the real lecture's data logs a warning at start).
    env = environment(fake, DISCORD_TOKEN=fake.token, LOG_LEVEL="ERROR", **extra)
    return await start_cli("run", "--data", str(lecture), env=env, cwd=cwd)


async def _exit_of(process: asyncio.subprocess.Process) -> tuple[int | None, str]:
    try:
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return process.returncode, err.decode()


@pytest.mark.parametrize("code", sorted(FATAL))
async def test_fatal_close_is_one_line_and_exit_2(
    fake: FakeDiscord, tmp_path: Path, shared_lecture_dir: Path, code: int
):
    fake.close_on_identify = code
    process = await _run_until_exit(fake, shared_lecture_dir, tmp_path)
    returncode, err = await _exit_of(process)
    assert returncode == 2, err[-2000:]
    [line] = err.strip().splitlines()
    assert line.startswith("lecture-bot: ") and FATAL[code] in line, line
    assert f"close code {code}" in line
    assert fake.token not in err
    assert fake.gateway.connections == 1  # no retry: retrying cannot help


async def test_token_reset_while_running_exits_2(
    fake: FakeDiscord, tmp_path: Path, shared_lecture_dir: Path
):
    """The token is reset in the Developer Portal while the bot runs: its connection drops and
    the resume is refused with 4004."""
    process = await _run_until_exit(fake, shared_lecture_dir, tmp_path)
    try:
        await fake.wait_until(lambda: fake.gateway.identifies, timeout=30)
        await fake.wait_connected()
        fake.close_on_identify = 4004
        await fake.drop_connection(4000)
    except BaseException:
        process.kill()
        raise
    returncode, err = await _exit_of(process)
    assert returncode == 2, err[-2000:]
    [line] = err.strip().splitlines()
    assert line.startswith("lecture-bot: Discord rejected DISCORD_TOKEN"), line
    assert "close code 4004" in line


@pytest.mark.parametrize("code", [1000, 1001, 4000, 4007, 4008, 4009])
async def test_other_closes_reconnect(harness: Harness, code: int):
    fake = harness.fake
    before = len(fake.gateway.identifies) + len(fake.gateway.resumes)
    await fake.drop_connection(code)
    await fake.wait_until(
        lambda: (
            fake._ws is not None
            and len(fake.gateway.identifies) + len(fake.gateway.resumes) > before
        ),
        timeout=20,
    )
    callback = await harness.interact(
        slash("ask", {"question": "tokens"}, user_id=harness.new_user())
    )
    assert callback.json["type"] == 4
    assert not harness.bot.is_closed()
