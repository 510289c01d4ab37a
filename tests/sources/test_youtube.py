"""YouTube import: youtube-transcript-api's own result objects and exceptions fed in at the
library boundary (no internet here), everything after that boundary real."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
import requests
from youtube_transcript_api import (
    AgeRestricted,
    FetchedTranscript,
    FetchedTranscriptSnippet,
    InvalidVideoId,
    IpBlocked,
    NoTranscriptFound,
    NotTranslatable,
    PoTokenRequired,
    RequestBlocked,
    TranscriptList,
    TranscriptsDisabled,
    TranslationLanguageNotAvailable,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeDataUnparsable,
    YouTubeRequestFailed,
    YouTubeTranscriptApi,
)

from retrieval.catalog import load_catalog
from retrieval.data import load_lecture
from retrieval.errors import CaptionFetchError, LectureDataError
from retrieval.sources.captions import load_cues
from retrieval.sources.youtube import (
    YouTubeFetcher,
    fetch_captions,
    import_youtube,
    snippets_to_cues,
    to_webvtt,
    video_id_from,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VIDEO = "MINIVIDEO01"


def transcript(
    lines: Sequence[tuple[float, float, str]], language_code: str = "en", generated: bool = True
) -> FetchedTranscript:
    return FetchedTranscript(
        snippets=[
            FetchedTranscriptSnippet(text, start, duration) for start, duration, text in lines
        ],
        video_id=VIDEO,
        language="English (auto-generated)" if language_code == "en" else "Korean",
        language_code=language_code,
        is_generated=generated,
    )


ENGLISH = transcript(
    [
        (0.5, 4.0, "welcome to the kitchen"),
        (3.0, 4.0, "today we start with flour"),
        (29.0, 3.0, "the hydration of a dough"),
        (128.0, 4.5, "kneading builds gluten now we proof"),
        (261.0, 2.0, "bake with\nsteam"),
        (263.0, 1.0, "   "),
    ]
)
KOREAN = transcript(
    [
        (0.5, 4.0, "주방에 오신 것을 환영합니다"),
        (3.0, 4.0, "오늘은 밀가루로 시작합니다"),
        (128.0, 4.5, "반죽은 글루텐을 만들고 이제 발효합니다"),
    ],
    language_code="ko",
)


class Fetcher:
    """Stands in for YouTube at the library boundary: returns or raises the library's own
    objects, and records what it was asked."""

    def __init__(self, english=ENGLISH, korean=KOREAN):
        self.english, self.korean = english, korean
        self.calls: list[tuple] = []

    def fetch(self, video_id: str, languages: Sequence[str]) -> FetchedTranscript:
        self.calls.append(("fetch", video_id, tuple(languages)))
        return _give(self.english)

    def fetch_translation(self, video_id, languages, target) -> FetchedTranscript:
        self.calls.append(("translate", video_id, tuple(languages), target))
        return _give(self.korean)


def _give(result):
    if isinstance(result, BaseException):
        raise result
    return result


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURES / "mini-catalog.yaml")


# -- video ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "7xTGNNLPyMI",
        " https://www.youtube.com/watch?v=7xTGNNLPyMI&t=7650s ",
        "youtube.com/watch?v=7xTGNNLPyMI",
        "https://youtu.be/7xTGNNLPyMI?si=abc",
        "https://m.youtube.com/watch?feature=share&v=7xTGNNLPyMI",
        "https://www.youtube.com/embed/7xTGNNLPyMI",
        "https://www.youtube.com/shorts/7xTGNNLPyMI",
    ],
)
def test_video_id_from_ids_and_urls(text):
    assert video_id_from(text) == "7xTGNNLPyMI"


@pytest.mark.parametrize("text", ["", "hello", "https://vimeo.com/123456789", "7xTGNNLPyM"])
def test_not_a_video_is_one_clear_line(text):
    with pytest.raises(CaptionFetchError, match="not a YouTube video id or URL") as caught:
        video_id_from(text)
    assert "\n" not in str(caught.value)


# -- results --------------------------------------------------------------------------------


def test_snippets_become_line_cues_ending_where_the_next_begins():
    cues = snippets_to_cues(ENGLISH)
    assert [(c.start, c.end, c.text) for c in cues[:2]] == [
        (0.5, 3.0, "welcome to the kitchen"),
        (3.0, 7.0, "today we start with flour"),
    ]
    assert cues[-1].text == "bake with steam"  # newlines folded, the blank snippet dropped
    assert len(cues) == 5


def test_kept_webvtt_reads_back_to_the_same_cues(tmp_path):
    cues = snippets_to_cues(ENGLISH)
    path = tmp_path / "captions.vtt"
    path.write_text(to_webvtt(cues), encoding="utf-8")
    assert load_cues(path) == cues


def test_fetch_asks_for_the_language_then_the_translation():
    fetcher = Fetcher()
    captions = fetch_captions(VIDEO, lang="en", translate="ko", fetcher=fetcher)
    assert fetcher.calls == [("fetch", VIDEO, ("en",)), ("translate", VIDEO, ("en",), "ko")]
    assert captions.is_generated and captions.language_code == "en"
    assert captions.translation[0].text == "주방에 오신 것을 환영합니다"


def test_import_writes_a_loadable_directory_with_translation(tmp_path, catalog):
    out = tmp_path / "lecture"
    summary = import_youtube(VIDEO, out, catalog, translate="ko", fetcher=Fetcher())
    lecture = load_lecture(out, catalog)
    # a snippet's words are spread over its time, so a line can straddle a chapter start
    assert [(s.start, s.chapter, s.text) for s in lecture.segments] == [
        (0, 1, "welcome to the kitchen today we start with flour the hydration"),
        (30, 1, "of a dough"),
        (120, 1, "kneading builds"),
        (130, 2, "gluten now we proof"),
        (250, 3, "bake with steam"),
    ]
    assert lecture.segments[0].text_ko == "주방에 오신 것을 환영합니다 오늘은 밀가루로 시작합니다"
    assert lecture.segments[2].text_ko == "반죽은 글루텐을 만들고 이제 발효합니다"
    assert lecture.cues == snippets_to_cues(ENGLISH)
    assert (out / "captions" / f"{VIDEO}.en.vtt").is_file()
    assert summary.korean_paragraphs == 2
    front = (out / "chapters" / "01-flour-and-water.md").read_text(encoding="utf-8")
    assert 'source_type: "youtube_transcript"' in front
    assert f'source_url: "https://www.youtube.com/watch?v={VIDEO}"' in front


def test_a_failed_translation_only_warns(tmp_path, catalog, caplog):
    fetcher = Fetcher(korean=TranslationLanguageNotAvailable(VIDEO))
    with caplog.at_level(logging.WARNING):
        summary = import_youtube(
            VIDEO, tmp_path / "lecture", catalog, translate="ko", fetcher=fetcher
        )
    assert summary.korean_paragraphs == 0
    assert "into 'ko'" in caplog.text
    assert not (tmp_path / "lecture" / "translation-ko.md").exists()


def test_empty_captions_are_an_error(catalog, tmp_path):
    fetcher = Fetcher(english=transcript([(1.0, 1.0, " ")]))
    with pytest.raises(CaptionFetchError, match="empty"):
        import_youtube(VIDEO, tmp_path / "lecture", catalog, fetcher=fetcher)
    assert not (tmp_path / "lecture").exists()


# -- every library error is one clear line --------------------------------------------------


def _no_transcript() -> NoTranscriptFound:
    empty = TranscriptList(VIDEO, {}, {}, [])
    return NoTranscriptFound(VIDEO, ["en"], empty)


ERRORS = [
    (TranscriptsDisabled(VIDEO), "captions are disabled"),
    (_no_transcript(), "has no 'en' captions"),
    (VideoUnavailable(VIDEO), "is unavailable"),
    (InvalidVideoId(VIDEO), "not a valid YouTube video id"),
    (RequestBlocked(VIDEO), "blocking caption requests"),
    (IpBlocked(VIDEO), "blocking caption requests"),
    (AgeRestricted(VIDEO), "age-restricted"),
    (VideoUnplayable(VIDEO, "Private video", ["Sign in"]), "cannot be played: Private video"),
    (NotTranslatable(VIDEO), "cannot translate"),
    (
        YouTubeRequestFailed(VIDEO, requests.HTTPError("429 Client Error: Too Many Requests")),
        "refused the request.*429",
    ),
    (PoTokenRequired(VIDEO), "could not read the captions"),
    (YouTubeDataUnparsable(VIDEO), "could not read the captions"),
    (requests.ConnectionError("Failed to resolve 'www.youtube.com'"), "cannot reach YouTube"),
    (requests.Timeout("read timed out"), "cannot reach YouTube"),
]


@pytest.mark.parametrize(("error", "expected"), ERRORS, ids=lambda v: type(v).__name__)
def test_library_errors_become_one_line(tmp_path, catalog, error, expected):
    out = tmp_path / "lecture"
    with pytest.raises(CaptionFetchError, match=expected) as caught:
        import_youtube(VIDEO, out, catalog, fetcher=Fetcher(english=error))
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300
    assert isinstance(caught.value, LectureDataError)  # the CLI prints it, no traceback
    assert not out.exists()


# -- the real fetcher, with the network replaced below requests ------------------------------


class _Offline(requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):
        raise requests.ConnectionError(f"Failed to resolve '{request.url}' (offline)")

    def close(self):
        pass


class _Captcha(requests.adapters.BaseAdapter):
    """Answers every request the way YouTube answers a blocked IP: a reCAPTCHA page."""

    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code = 200
        response._content = b'<html><div class="g-recaptcha"></div></html>'
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def _api_with(adapter: requests.adapters.BaseAdapter) -> YouTubeTranscriptApi:
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return YouTubeTranscriptApi(http_client=session)


@pytest.mark.parametrize(
    ("adapter", "expected"),
    [(_Offline(), "cannot reach YouTube"), (_Captcha(), "blocking caption requests")],
)
def test_real_fetcher_errors_through_the_real_library(adapter, expected):
    fetcher = YouTubeFetcher(_api_with(adapter))
    with pytest.raises(CaptionFetchError, match=expected):
        fetch_captions("7xTGNNLPyMI", fetcher=fetcher)
