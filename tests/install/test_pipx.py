"""`pipx install .`, as a student installs a command-line tool: pipx's own virtualenv and the
`lecture-bot` it puts on the PATH answer from any directory (about 15 s, most of it pip
installing the dependencies, which pipx insists on seeing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from installing import clean_env, run


@pytest.fixture(scope="module")
def pipx_installed(source: Path) -> Path:
    """`pipx install` of the project: the `lecture-bot` pipx puts on the user's PATH."""
    home, bin_dir = source.parent / "pipx-home", source.parent / "pipx-bin"
    env = {**os.environ, "PIPX_HOME": str(home), "PIPX_BIN_DIR": str(bin_dir)}
    pipx = [sys.executable, "-m", "pipx"]
    subprocess.run(
        # --no-compile: pip leaves the libraries uncompiled, half the time of the install.
        [*pipx, "install", "--pip-args=--no-compile", str(source)],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return bin_dir / "lecture-bot"


def test_pipx_installs_a_bot_that_answers(
    pipx_installed: Path, tmp_path: Path, shared_lecture_dir: Path
) -> None:
    env = clean_env(tmp_path, LECTURE_DATA_DIR=str(shared_lecture_dir))
    asked = run(pipx_installed, "ask", "--json", "what is SFT", cwd=tmp_path, env=env)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["results"][0]["url"].startswith("https://www.youtube.com/")
    listed = run(pipx_installed, "moments", "--chapter", "3", cwd=tmp_path, env=env)
    assert listed.returncode == 0 and "Tokenization" in listed.stdout, listed.stderr
