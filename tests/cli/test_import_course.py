"""Importing a lecture nobody wrote a catalog for: the import makes one, and the course
serves it (in-process through main(argv))."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli import main

CODE_REVIEW = "lessons-millions-ai-code-reviews"


@pytest.fixture
def captions(shared_lecture_dir: Path) -> Path:
    return next((shared_lecture_dir.parent / CODE_REVIEW / "captions").glob("*.vtt"))


def test_a_new_talk_imports_with_a_chapter_free_catalog_and_answers(
    captions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = tmp_path / "course"
    out = course / "code-review-talk"
    site = captions.parent.parent / "site"
    code = main(
        [
            "import",
            "vtt",
            str(captions),
            "--lecture",
            "code-review-talk",
            "--video",
            "https://youtu.be/TswQeKftnaw",
            "--title",
            "Lessons from millions of AI code reviews",
            "--site",
            str(site),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    catalog = yaml.safe_load((out / "catalog.yaml").read_text(encoding="utf-8"))
    assert catalog["video_id"] == "TswQeKftnaw" and catalog["duration"] >= 621
    assert [c["title"] for c in catalog["chapters"]] == ["The whole talk"]
    assert sorted(p.name for p in (out / "site" / "kr").glob("*.md")) == ["index.md"]
    capsys.readouterr()

    question = "what bugs can AI reviewers catch"
    assert (
        main(["ask", "--json", "--data", str(course), "--lecture", "code-review-talk", question])
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["results"]
    for result in payload["results"]:
        assert result["lecture"] == "code-review-talk"
        assert result["url"].startswith("https://www.youtube.com/watch?v=TswQeKftnaw&t=")
        assert result["chapter"] == 1
    # The Korean translation came from the site's files: a Korean question finds the talk.
    assert main(["ask", "--json", "--data", str(course), "AI 코드 리뷰가 잡는 버그"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]


def test_chapters_from_the_sites_table_of_contents(
    shared_lecture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shared_lecture_dir.parent / "ai-prompt-engineering-deep-dive"
    out = tmp_path / "pe-talk"
    code = main(
        [
            "import",
            "vtt",
            str(next((folder / "captions").glob("*.vtt"))),
            "--lecture",
            "pe-talk",
            "--video",
            "T9aRN5JkmL8",
            "--chapters",
            str(folder / "site" / "eng" / "_index.md"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    catalog = yaml.safe_load((out / "catalog.yaml").read_text(encoding="utf-8"))
    assert len(catalog["chapters"]) == 11
    assert catalog["chapters"][8] == {
        "number": 9,
        "title": "Jailbreaking",
        "title_ko": "Jailbreaking",
        "start": 3236,
    }
    assert main(["chapter", "9", "--data", str(out)]) == 0
    assert "Jailbreaking" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give --video"),
        (["--video", "TswQeKftnaw", "--chapters", "{bad}"], "after the captions end"),
        (["--video", "TswQeKftnaw", "--chapters", "{empty}"], "no chapters found"),
    ],
)
def test_a_new_lecture_import_explains_what_is_missing(
    captions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra, message
) -> None:
    (tmp_path / "bad.txt").write_text("0:00 Intro\n5:00 Middle\n1:40:00 Late\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("nothing here\n", encoding="utf-8")
    extra = [a.format(bad=tmp_path / "bad.txt", empty=tmp_path / "empty.txt") for a in extra]
    code = main(
        [
            "import",
            "vtt",
            str(captions),
            "--lecture",
            "new-talk",
            *extra,
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert message in line
    assert not (tmp_path / "o").exists()
