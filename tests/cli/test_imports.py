"""`lecture-bot ask` imports only what answering needs: each library below costs tens to
hundreds of milliseconds of CPU at every start of a command that never uses it (issue 15).

A command module imports at its top only what registering its options needs; the rest is
imported where it is used. This runs the real command in a fresh process: what a process has
imported cannot be undone in-process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The Discord client and its HTTP stack, the YouTube client, progress bars, the caption
# parser (only deriving a lecture needs it), the bot's database, charts and pictures, the
# rank-bm25 reference, typo matching (only an unknown word needs it), .env parsing (only
# where there is a .env), and asyncio (only the bot).
NOT_FOR_ASK = {
    "discord",
    "aiohttp",
    "yarl",
    "requests",
    "youtube_transcript_api",
    "rich",
    "webvtt",
    "sqlalchemy",
    "matplotlib",
    "PIL",
    "rank_bm25",
    "rapidfuzz",
    "dotenv",
    "asyncio",
}
PROBE = """
import runpy, sys
sys.argv = ["lecture-bot", "ask", "what is SFT"]
try:
    runpy.run_module("bot.cli", run_name="__main__")
except SystemExit:
    pass
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def test_ask_imports_only_what_it_uses(shared_lecture_dir: Path, tmp_path: Path):
    env = {**os.environ, "LECTURE_DATA_DIR": str(shared_lecture_dir)}
    command = [sys.executable, "-m", "bot.cli", "ask", "what is SFT"]
    # The first run may derive the lecture and build the index (the caption parser then has
    # to be imported); later runs load both from the cache, as a user's commands do.
    subprocess.run(command, env=env, cwd=tmp_path, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    imported = set(done.stderr.strip().splitlines()[-1].split())
    assert "retrieval" in imported and "numpy" in imported  # it did answer
    assert imported & NOT_FOR_ASK == set()
