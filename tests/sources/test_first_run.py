"""First run: an empty default data directory is filled from YouTube, or the user is told
what to do instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from youtube_transcript_api import FetchedTranscript, FetchedTranscriptSnippet, IpBlocked

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import TranscriptNotFoundError
from retrieval.sources.first_run import ensure_transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Fetcher:
    def __init__(self, english):
        self.english = english
        self.calls = 0

    def fetch(self, video_id, languages):
        self.calls += 1
        if isinstance(self.english, BaseException):
            raise self.english
        return self.english

    def fetch_translation(self, video_id, languages, target):
        raise IpBlocked(video_id)


ENGLISH = FetchedTranscript(
    snippets=[
        FetchedTranscriptSnippet("welcome to the kitchen", 1.0, 3.0),
        FetchedTranscriptSnippet("kneading builds gluten", 140.0, 3.0),
    ],
    video_id="MINIVIDEO01",
    language="English",
    language_code="en",
    is_generated=False,
)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES / "mini-catalog.yaml")


def test_existing_transcript_is_used_as_is(catalog):
    fetcher = Fetcher(ENGLISH)
    data_dir = FIXTURES / "lecture-mini"
    assert ensure_transcript(data_dir, catalog, fetcher=fetcher, auto_import=True) == data_dir
    assert fetcher.calls == 0


def test_empty_default_dir_is_imported_and_announced(tmp_path, catalog):
    said: list[str] = []
    data_dir = tmp_path / "mini-bread"
    result = ensure_transcript(
        data_dir, catalog, fetcher=Fetcher(ENGLISH), announce=said.append, auto_import=True
    )
    assert result == data_dir
    assert [s.chapter for s in load_lecture(data_dir, catalog).segments] == [1, 2]
    assert "downloading the captions of 'Baking Bread at Home'" in said[0]
    assert said[-1].startswith("Saved 7 words in 2 chapters")


def test_failed_download_says_what_to_do_instead(tmp_path, catalog):
    data_dir = tmp_path / "mini-bread"
    with pytest.raises(TranscriptNotFoundError) as caught:
        ensure_transcript(
            data_dir, catalog, fetcher=Fetcher(IpBlocked("x")), announce=print, auto_import=True
        )
    message = str(caught.value)
    assert "blocking caption requests" in message
    assert "LECTURE_DATA_DIR" in message
    assert f"lecture-bot import vtt FILE --out {data_dir}" in message
    assert not data_dir.exists()


def test_a_directory_the_user_named_is_not_filled_behind_their_back(tmp_path, catalog):
    fetcher = Fetcher(ENGLISH)
    with pytest.raises(TranscriptNotFoundError, match="No lecture transcript found"):
        ensure_transcript(tmp_path / "typo", catalog, fetcher=fetcher)  # not the default dir
    assert fetcher.calls == 0
