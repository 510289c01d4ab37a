"""`lecture-bot insights` and `lecture-bot feedback export` in-process, over a real SQLite file
filled the way the bot fills it."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from pathlib import Path

import pytest
import yaml
from PIL import Image

from bot.cli import main
from bot.store import QuestionLog, ShownHit, Store
from retrieval.errors import LectureDataError
from retrieval.evaluate import load_questions

LECTURE = "deep-dive-llms"
URL = "https://www.youtube.com/watch?v=7xTGNNLPyMI&t="


def logged(store: Store, question: str, *, found: bool = True, chapter: int = 3, **kw) -> int:
    start = 600 + chapter
    hits = (ShownHit(LECTURE, chapter, start, "A moment", f"{URL}{start}s"),) if found else ()
    entry = QuestionLog(
        guild_id=kw.pop("guild_id", 7),
        user_hash=store.user_hash(kw.pop("user", 1)),
        question=question,
        lang="ko" if any("가" <= c <= "힣" for c in question) else "en",
        lecture=None,
        chapter=None,
        found=found,
        weak=False,
        latency_ms=12.0,
        hits=hits,
    )
    question_id = store.log_question(entry, **kw)
    assert question_id is not None
    return question_id


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    first = logged(store, "what is tokenization", chapter=3)
    logged(store, "토큰화가 뭐예요?", chapter=3)
    logged(store, "what is RLHF", chapter=20, guild_id=8)
    logged(store, "how do I bake bread", found=False)
    logged(store, "an old question", at=time.time() - 30 * 86_400)
    store.vote(first, store.user_hash(2), -1)
    store.comment(first, store.user_hash(2), "the BPE merges")
    store.close()
    return path


def test_insights_json_counts_the_week(database: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["insights", "--db", str(database), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 4  # the 30-day-old one is outside the week
    assert report["unanswered"] == 1
    [chapter3, chapter20] = report["chapters"]
    assert (chapter3["chapter"], chapter3["count"], chapter20["count"]) == (3, 2, 1)
    assert chapter3["url"].startswith(URL)
    assert report["not_answered"][0]["question"] == "how do I bake bread"
    assert report["most_down_voted"][0]["comments"] == ["the BPE merges"]


def test_insights_of_one_server_since_a_span(database: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["insights", "--db", str(database), "--server", "8", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 1
    assert main(["insights", "--db", str(database), "--since", "60d", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 5


def test_insights_text_in_english_and_korean(database: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["insights", "--db", str(database)]) == 0
    out = capsys.readouterr().out
    assert "4 questions · 1 not answered · 👍 0 👎 1" in out
    assert '"how do I bake bread"' in out
    assert main(["insights", "--db", str(database), "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "질문 4개" in out and "Most asked" not in out


def test_insights_chart_is_a_png(database: Path, tmp_path: Path):
    chart = tmp_path / "chart.png"
    assert main(["insights", "--db", str(database), "--chart", str(chart), "--json"]) == 0
    image = Image.open(io.BytesIO(chart.read_bytes()))
    assert image.format == "PNG" and image.width >= 600


@pytest.mark.parametrize("since", ["a week", "7y", "-3d", ""])
def test_a_bad_span_is_one_line(database: Path, since: str, capsys: pytest.CaptureFixture[str]):
    assert main(["insights", "--db", str(database), f"--since={since}"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("lecture-bot: --since:")


def test_a_corrupt_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    broken = tmp_path / "bot.sqlite3"
    broken.write_bytes(b"not a database at all" * 200)
    assert main(["insights", "--db", str(broken)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("lecture-bot: cannot open the database")
    assert broken.read_bytes() == b"not a database at all" * 200  # left as it was


def test_export_writes_eval_questions_to_complete(database: Path, tmp_path: Path):
    out = tmp_path / "feedback.yaml"
    assert main(["feedback", "export", "--db", str(database), "--out", str(out)]) == 0
    items = yaml.safe_load(out.read_text())
    assert [(item["q"], item["kind"]) for item in items] == [
        ("what is tokenization", "down-voted"),
        ("how do I bake bread", "no-match"),
    ]
    assert items[0]["comments"] == ["the BPE merges"] and items[0]["shown"] == ["10:03"]
    assert all(item["answers"] == [] for item in items)
    with pytest.raises(LectureDataError, match="needs `answers`"):
        load_questions(out)  # a person must fill them in first
    items[0]["answers"], items[1]["kind"] = ["10:00"], "off-topic"
    out.write_text(yaml.safe_dump(items, allow_unicode=True))
    loaded = load_questions(out)
    assert [q.text for q in loaded] == ["what is tokenization", "how do I bake bread"]
    assert loaded[1].off_topic


def test_export_to_an_unwritable_place_is_one_line(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "missing-folder" / "feedback.yaml"
    assert main(["feedback", "export", "--db", str(database), "--out", str(out)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"lecture-bot: cannot write {out}")


def test_the_exported_file_holds_no_user_hash(database: Path, tmp_path: Path):
    out = tmp_path / "feedback.yaml"
    assert main(["feedback", "export", "--db", str(database), "--out", str(out)]) == 0
    with sqlite3.connect(database) as connection:
        hashes = [h for (h,) in connection.execute("SELECT user_hash FROM questions")]
    assert hashes and not any(h in out.read_text() for h in hashes)
