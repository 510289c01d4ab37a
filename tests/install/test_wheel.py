"""The project as users install it: a wheel in a fresh virtualenv, run from another directory.

Catches what an editable install hides: catalogs that are not package data, paths relative
to the source tree, writes into the installation. One build and one install (about 10 s),
shared by the tests here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from installing import clean_env, run


@pytest.fixture(scope="module")
def installed(source: Path) -> Path:
    """The `lecture-bot` script of a fresh virtualenv with the built wheel installed."""
    root = source.parent
    wheels = root / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        timeout=300,
    )
    [wheel] = wheels.glob("lecture_bot-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    # The wheel alone goes in; its dependencies are the ones this suite runs with, made
    # visible by a .pth line (the test is about our packaging, not pip's resolver, and
    # installing numpy, matplotlib and discord.py again took most of a minute). Nothing of
    # the project itself comes from there: the editable install is a finder hook, which a
    # .pth-added path does not run.
    _see_dependencies(env_dir)
    subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        timeout=600,
    )
    return env_dir / "bin" / "lecture-bot"


def _see_dependencies(env_dir: Path) -> None:
    [packages] = env_dir.glob("lib/python3*/site-packages")
    (packages / "suite-dependencies.pth").write_text(_dependencies_dir() + "\n")


def _dependencies_dir() -> str:
    import numpy

    return str(Path(numpy.__file__).resolve().parents[1])


def test_the_installed_bot_answers_and_checks_from_anywhere(
    installed: Path, tmp_path: Path, shared_lecture_dir: Path
) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = clean_env(tmp_path, LECTURE_DATA_DIR=str(shared_lecture_dir.parent))
    asked = run(installed, "ask", "--json", "what is SFT", cwd=work, env=env)
    assert asked.returncode == 0, asked.stderr
    payload = json.loads(asked.stdout)
    assert payload["results"][0]["title"]  # the key moments shipped inside the wheel
    assert payload["results"][0]["url"].startswith("https://www.youtube.com/watch?v=")

    checked = run(installed, "check", cwd=work, env={**env, "DISCORD_TOKEN": "x" * 60})
    assert checked.returncode == 0, checked.stderr
    assert "ok   database:" in checked.stdout
    # The database went to the user's data directory, not into the installation.
    assert (tmp_path / "data" / "lecture-bot" / "lecture-bot.sqlite3").is_file()
    site = installed.parent.parent / "lib"
    assert not list(site.rglob("*.sqlite3"))


def test_the_project_runs_from_the_wheel_not_the_source_tree(installed: Path, tmp_path: Path):
    python = installed.parent / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import bot, chapters, retrieval; print(bot.__file__, chapters.__file__)",
        ],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    venv_root = installed.parent.parent.resolve()
    assert all(Path(path).resolve().is_relative_to(venv_root) for path in where), where


def test_the_installed_catalogs_are_package_data(installed: Path, tmp_path: Path) -> None:
    listed = run(installed, "moments", "--chapter", "3", cwd=tmp_path, env=clean_env(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert "Tokenization" in listed.stdout
    # The message catalogue (bot/locale/*.po) is package data too.
    korean = run(installed, "chapter", "99", "--lang", "ko", cwd=tmp_path, env=clean_env(tmp_path))
    assert korean.stderr == "lecture-bot: '99'장은 없어요. 1부터 24까지 골라 주세요.\n"
