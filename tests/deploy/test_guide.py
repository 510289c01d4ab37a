"""README "Running it 24/7", run as written: deploy/install.sh in a throwaway root, and the unit.

The script creates the layout under a temporary ROOT (no user, no sudo, no systemctl there):
it clones this checkout's HEAD, makes the virtualenv, installs the bot, copies the lecture data
from ../shared/lecture, writes .env and the unit, and runs `lecture-bot check` with .env's
settings alone. One install (about 20-50 s, nearly all of it pip) is shared by the tests here;
it runs in CI like every other test.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dotenv import dotenv_values

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "install.sh"
UNIT_FILE = REPO / "deploy" / "lecture-bot.service"
README = REPO / "README.md"
TOKEN = "test-token.not-a-real-one_0123"
APP_DIR = "/opt/lecture-bot"
STATE_DIR = "/var/lib/lecture-bot"


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values, in order]}} (comments and blanks skipped)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"directive outside a section: {line}"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service() -> dict[str, list[str]]:
    return parse_unit(UNIT_FILE.read_text(encoding="utf-8"))["Service"]


def systemd_environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines the way systemd's EnvironmentFile= reads unquoted values: everything
    after '=' (a trailing "# comment" included), outer whitespace stripped."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def under(root: Path, absolute: str) -> Path:
    return root / absolute.lstrip("/")


# --- The unit -----------------------------------------------------------------------------------


def test_unit_is_hardened_and_does_not_retry_a_bad_configuration():
    unit = service()
    single = {key: values[-1] for key, values in unit.items()}
    assert single["User"] == "lecturebot"
    assert single["WorkingDirectory"] == APP_DIR
    assert single["EnvironmentFile"] == f"{APP_DIR}/.env"
    assert single["ExecStartPre"] == f"{APP_DIR}/.venv/bin/lecture-bot check"
    assert single["ExecStart"] == f"{APP_DIR}/.venv/bin/lecture-bot run"
    assert single["Restart"] == "on-failure"
    # Ready once connected, and restarted when it stops pinging (bot/discord/systemd.py).
    assert (single["Type"], single["NotifyAccess"]) == ("notify", "main")
    assert int(single["WatchdogSec"]) > 0  # the bot pings at half of it
    # `lecture-bot run` exits 2 for a bad token or setting: retrying cannot help.
    assert "2" in " ".join(unit["RestartPreventExitStatus"]).split()
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "CapabilityBoundingSet": "",  # empty: no capabilities at all
        "StateDirectory": "lecture-bot",
    }.items():
        assert single.get(key) == value, f"{key}={single.get(key)!r}, expected {value!r}"
    writable = " ".join(unit["ReadWritePaths"]).split()
    assert f"{APP_DIR}/.cache" in writable  # the heartbeat
    assert STATE_DIR in writable  # the database


def test_unit_security_exposure_is_at_most_3():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(
        [analyze, "security", "--offline=yes", str(UNIT_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in result.stderr:
        pytest.skip(f"systemd-analyze is too old for --offline: {result.stderr.strip()[:200]}")
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout[-1000:] + result.stderr[-1000:]
    assert float(match.group(1)) <= 3.0, result.stdout


def test_install_script_is_strict_and_shellcheck_clean():
    text = SCRIPT.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert os.access(SCRIPT, os.X_OK)
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_install_script_refuses_a_relative_root(tmp_path: Path):
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env={**os.environ, "ROOT": "relative/root"},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ROOT must be an absolute path" in result.stderr
    assert not (tmp_path / "relative").exists()


# --- The install, in a throwaway root ------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    root: Path
    result: subprocess.CompletedProcess[str]

    @property
    def app(self) -> Path:
        return under(self.root, APP_DIR)


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory, shared_lecture_dir: Path
) -> Iterator[Installed]:
    if not (REPO / ".git").exists():
        pytest.skip(f"{REPO} is not a git checkout: the guide clones it")
    root = tmp_path_factory.mktemp("root")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "LECTURE_", "LOG_LEVEL", "HEARTBEAT_", "SHARD_"))
    }
    env.update(
        ROOT=str(root),
        REPO=str(REPO),
        LECTURE_SOURCE=str(shared_lecture_dir.parent),  # ../shared/lecture: the whole course
        DISCORD_TOKEN=TOKEN,
        PYTHON=sys.executable,
        # A decoy: the check must read .env's settings only, as the service does.
        LECTURE_DATA_DIR=str(root / "not-the-data"),
        # pip leaves the installed libraries uncompiled: half the install's time, and nothing
        # the guide's steps look at (a real install compiles them, as the service needs).
        PIP_NO_COMPILE="1",
    )
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env=env,
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    yield Installed(root, result)
    shutil.rmtree(root, ignore_errors=True)  # ~200 MB, most of it the virtualenv


def test_install_runs_every_step_and_the_check_passes(installed: Installed):
    result, root = installed.result, installed.root
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert TOKEN not in out + result.stderr
    assert "ok   configuration: DISCORD_TOKEN is set" in out
    # Every lecture comes from the copy in data/ (.env's LECTURE_DATA_DIR), none from elsewhere.
    lectures = [line for line in out.splitlines() if line.startswith("ok   lecture data: ")]
    assert any(line.startswith("ok   lecture data: deep-dive-llms: ") for line in lectures)
    assert all(f" from {under(root, APP_DIR)}/data/" in line for line in lectures), lectures
    assert "ok   index: " in out
    assert f"ok   database: {under(root, STATE_DIR)}/lecture-bot.sqlite3" in out


def test_files_are_where_the_unit_expects_them(installed: Installed):
    assert installed.result.returncode == 0, installed.result.stderr[-3000:]
    root = installed.root
    installed_unit = under(root, "/etc/systemd/system/lecture-bot.service")
    assert installed_unit.read_text(encoding="utf-8") == UNIT_FILE.read_text(encoding="utf-8")
    unit = parse_unit(installed_unit.read_text(encoding="utf-8"))["Service"]

    assert (under(root, unit["WorkingDirectory"][-1]) / ".git").is_dir()  # the clone
    for command in unit["ExecStartPre"] + unit["ExecStart"]:
        program = under(root, command.split()[0])
        assert program.is_file() and os.access(program, os.X_OK), program
    for path in " ".join(unit["ReadWritePaths"]).split():
        assert under(root, path.lstrip("-")).is_dir(), path
    for name in " ".join(unit["StateDirectory"]).split():
        assert under(root, f"/var/lib/{name}").is_dir(), name

    env_file = under(root, unit["EnvironmentFile"][-1])
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    settings = systemd_environment_file(env_file)
    assert settings["DISCORD_TOKEN"] == TOKEN
    assert settings["LECTURE_DATA_DIR"] == str(under(root, f"{APP_DIR}/data"))
    assert settings["LECTURE_BOT_DB"] == str(under(root, f"{STATE_DIR}/lecture-bot.sqlite3"))
    # The data is the lecture folders; the database is made by the check, in the state dir.
    data = Path(settings["LECTURE_DATA_DIR"])
    assert (data / "deep-dive-llms" / "captions").is_dir()
    assert Path(settings["LECTURE_BOT_DB"]).is_file()


def test_env_file_has_no_inline_comments(installed: Installed):
    assert installed.result.returncode == 0, installed.result.stderr[-3000:]
    env_file = installed.app / ".env"
    for line in env_file.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.fullmatch(r"[A-Z_]+=[^\s#'\"]*", line), f"not a plain KEY=value: {line!r}"
    # systemd (EnvironmentFile=) and python-dotenv (`lecture-bot` run by hand) read the same.
    assert systemd_environment_file(env_file) == dotenv_values(env_file)


# --- The README's guide --------------------------------------------------------------------------


def guide() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Running it 24/7")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_readme_guide_matches_the_script_and_the_unit():
    section = guide()
    script = SCRIPT.read_text(encoding="utf-8")
    assert "deploy/install.sh" in section
    # The .env the guide shows (the code block of KEY=value lines) is the one the script
    # writes: the same keys, and no inline comments.
    blocks = [block.split("\n", 1)[-1] for block in section.split("```")[1::2]]
    env_blocks = [
        lines
        for block in blocks
        if (lines := [line.strip() for line in block.splitlines() if line.strip()])
        and all(re.match(r"[A-Z_]+=", line) for line in lines)
    ]
    assert len(env_blocks) == 1, env_blocks
    [shown] = env_blocks
    heredoc = re.search(r"cat >\.env <<EOF\n(.*?)\nEOF", script, flags=re.DOTALL)
    assert heredoc, "the script no longer writes .env from a here-document"
    written = [line for line in heredoc.group(1).splitlines() if not line.startswith("#")]
    assert [line.partition("=")[0] for line in shown] == [
        line.partition("=")[0] for line in written
    ]
    assert not [line for line in shown if "#" in line], "inline comment in the guide's .env"
    paths = {"/opt/lecture-bot": "$app", "/var/lib/lecture-bot": "$state"}
    for line, script_line in zip(shown[1:], written[1:], strict=True):  # [0]: the token
        for path, variable in paths.items():
            line = line.replace(path, variable)
        assert line == script_line
    # The steps the script takes are the guide's steps.
    for step in (
        "useradd --system --user-group --home-dir",
        "--no-create-home",
        "--shell /usr/sbin/nologin",
        "install -d -o lecturebot -g lecturebot -m 0700",
        "install -d -o lecturebot -g lecturebot -m 0755",
        "git clone",
        "-m venv .venv",
        ".venv/bin/pip install -e .",
        "install -d -m 0755 data .cache",
        "cp -R ",
        "lecture-bot check",
    ):
        assert step in section, step
        assert step in script.replace('"$BOT_USER"', "lecturebot").replace("--quiet ", ""), step
    assert "--home-dir /var/lib/lecture-bot --no-create-home" in section
    # Updates run as the bot user, never as root.
    assert "sudo -u lecturebot git pull" in section
    assert "RestartPreventExitStatus=2" in section
    assert "journalctl -u lecture-bot" in section
    assert "lecture-bot check --live" in section
