"""Fetch a video's captions (and YouTube's Korean machine translation) with
youtube-transcript-api, and import them as a lecture data directory.

The library boundary is `TranscriptFetcher`: two calls that return the library's own
`FetchedTranscript`. `YouTubeFetcher` is the real one (v1 API: `YouTubeTranscriptApi().fetch`,
`.list(...).find_transcript(...).translate(...)`); tests pass another object with the same two
methods. Every library or network error becomes a one-line `CaptionFetchError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlparse

import requests
from youtube_transcript_api import (
    AgeRestricted,
    CouldNotRetrieveTranscript,
    FetchedTranscript,
    InvalidVideoId,
    IpBlocked,
    NoTranscriptFound,
    NotTranslatable,
    RequestBlocked,
    TranscriptsDisabled,
    TranslationLanguageNotAvailable,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeRequestFailed,
    YouTubeTranscriptApi,
    YouTubeTranscriptApiException,
)

from retrieval.catalog import LOCAL_CATALOG, parse_catalog
from retrieval.errors import CaptionFetchError
from retrieval.lecture import Catalog, Cue
from retrieval.sources.catalog_writer import NewLecture
from retrieval.sources.seed_writer import (
    CaptionCopy,
    ImportSource,
    ImportSummary,
    Progress,
    write_lecture_dir,
)

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_PATH_ID = re.compile(r"^/(?:embed|shorts|live|v)/([A-Za-z0-9_-]{11})")
log = logging.getLogger(__name__)


class TranscriptFetcher(Protocol):
    """What the importer needs from youtube-transcript-api."""

    def fetch(self, video_id: str, languages: Sequence[str]) -> FetchedTranscript: ...

    def fetch_translation(
        self, video_id: str, languages: Sequence[str], target: str
    ) -> FetchedTranscript: ...


class YouTubeFetcher:
    """The real fetcher; `api` may carry a proxy config or a custom `requests.Session`."""

    def __init__(self, api: YouTubeTranscriptApi | None = None):
        self.api = api if api is not None else YouTubeTranscriptApi()

    def fetch(self, video_id: str, languages: Sequence[str]) -> FetchedTranscript:
        return self.api.fetch(video_id, languages=list(languages))

    def fetch_translation(
        self, video_id: str, languages: Sequence[str], target: str
    ) -> FetchedTranscript:
        return self.api.list(video_id).find_transcript(list(languages)).translate(target).fetch()


@dataclass(frozen=True, slots=True)
class YouTubeCaptions:
    video_id: str
    language_code: str
    is_generated: bool
    cues: tuple[Cue, ...]
    translation: tuple[Cue, ...] = ()


def video_id_from(text: str) -> str:
    """The 11-character id of a video id or URL (watch?v=, youtu.be/, /embed/, /shorts/)."""
    cleaned = text.strip()
    if _VIDEO_ID.match(cleaned):
        return cleaned
    url = urlparse(cleaned if "://" in cleaned else f"https://{cleaned}")
    host = (url.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    candidate = ""
    if host == "youtu.be":
        candidate = url.path.strip("/").split("/")[0]
    elif host.endswith("youtube.com") or host.endswith("youtube-nocookie.com"):
        candidate = parse_qs(url.query).get("v", [""])[0]
        if not candidate and (match := _PATH_ID.match(url.path)):
            candidate = match.group(1)
    if _VIDEO_ID.match(candidate):
        return candidate
    raise CaptionFetchError(
        f"'{cleaned[:80]}' is not a YouTube video id or URL"
        " (e.g. 7xTGNNLPyMI or https://www.youtube.com/watch?v=7xTGNNLPyMI)"
    )


def fetch_captions(
    video_id: str,
    *,
    lang: str = "en",
    translate: str | None = None,
    fetcher: TranscriptFetcher | None = None,
) -> YouTubeCaptions:
    """The video's captions in `lang` and, when asked, YouTube's translation into `translate`.

    A failed translation only warns: the transcript itself is what the bot needs.
    """
    fetcher = fetcher if fetcher is not None else YouTubeFetcher()
    with _explained(video_id, lang):
        transcript = fetcher.fetch(video_id, [lang])
    cues = snippets_to_cues(transcript)
    if not cues:
        raise CaptionFetchError(f"the '{lang}' captions of video {video_id} are empty")
    translation: tuple[Cue, ...] = ()
    if translate and translate != transcript.language_code:
        try:
            with _explained(video_id, lang, translate):
                translation = snippets_to_cues(
                    fetcher.fetch_translation(video_id, [transcript.language_code], translate)
                )
        except CaptionFetchError as error:
            log.warning("no '%s' translation: %s", translate, error)
    return YouTubeCaptions(
        video_id=video_id,
        language_code=transcript.language_code,
        is_generated=transcript.is_generated,
        cues=cues,
        translation=translation,
    )


def snippets_to_cues(transcript: FetchedTranscript) -> tuple[Cue, ...]:
    """One line cue per snippet; a snippet ends where the next begins (YouTube's durations
    say how long a line stays on screen, and overlap)."""
    snippets = [s for s in transcript.snippets if " ".join(s.text.split())]
    cues = []
    for index, snippet in enumerate(snippets):
        start = max(0.0, float(snippet.start))
        end = start + max(0.0, float(snippet.duration))
        if index + 1 < len(snippets) and start <= snippets[index + 1].start < end:
            end = float(snippets[index + 1].start)
        cues.append(Cue(start, end, " ".join(snippet.text.split())))
    return tuple(cues)


def to_webvtt(cues: Sequence[Cue]) -> str:
    """A plain WebVTT file of the cues (kept in DIR/captions/ for second-precise links)."""
    blocks = ["WEBVTT", ""]
    for cue in cues:
        blocks += [f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", cue.text, ""]
    return "\n".join(blocks)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def import_youtube(
    video: str,
    out: Path,
    catalog: Catalog | None,
    *,
    lang: str = "en",
    translate: str | None = None,
    fetcher: TranscriptFetcher | None = None,
    progress: Progress | None = None,
    on_fetched: Callable[[YouTubeCaptions], None] | None = None,
    new_lecture: NewLecture | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> ImportSummary:
    """Fetch a video's captions and write them as the lecture data directory `out`, with
    `catalog`, or with the catalog `new_lecture` makes from them (the video id is this
    video's); one of the two is needed."""
    if catalog is None and new_lecture is None:
        raise ValueError("import_youtube needs a catalog or a new lecture")
    video_id = video_id_from(video)
    extra = dict(extra or {})
    if new_lecture is not None:
        new_lecture = replace(new_lecture, video_id=video_id)
    elif catalog is not None and video_id != catalog.video_id:
        log.warning(
            "video %s is not the catalog's video %s; chapters follow the catalog's times",
            video_id,
            catalog.video_id,
        )
    captions = fetch_captions(video_id, lang=lang, translate=translate, fetcher=fetcher)
    if on_fetched is not None:
        on_fetched(captions)
    if new_lecture is not None:
        text = new_lecture.catalog_yaml(captions.cues)
        extra[LOCAL_CATALOG] = text.encode("utf-8")
        catalog = parse_catalog(text)
    assert catalog is not None  # given, or just made
    kind = "automatic" if captions.is_generated else "uploaded"
    source = ImportSource(
        source_type="youtube_transcript",
        source_url=f"https://www.youtube.com/watch?v={video_id}",
        description=f"YouTube {kind} captions ({captions.language_code})",
    )
    copy = CaptionCopy(
        f"{video_id}.{captions.language_code}.vtt", to_webvtt(captions.cues).encode("utf-8")
    )
    return write_lecture_dir(
        out,
        catalog,
        captions.cues,
        source=source,
        captions=copy,
        korean=captions.translation,
        progress=progress,
        extra=extra,
    )


@contextmanager
def _explained(video_id: str, lang: str, target: str | None = None) -> Iterator[None]:
    """Turn the library's and the network's exceptions into one clear line."""
    try:
        yield
    except (YouTubeTranscriptApiException, requests.RequestException) as error:
        raise CaptionFetchError(describe_error(error, video_id, lang, target)) from None


def describe_error(error: Exception, video_id: str, lang: str, target: str | None = None) -> str:
    """One line for a youtube-transcript-api or network error."""
    video = f"video {video_id}"
    if isinstance(error, requests.RequestException):
        return f"cannot reach YouTube for {video} ({type(error).__name__}): is this machine online?"
    if isinstance(error, IpBlocked | RequestBlocked):
        return (
            f"YouTube is blocking caption requests from this network ({video}); cloud and VPN"
            " addresses often are. Download the captions elsewhere and use"
            " `lecture-bot import vtt FILE --out DIR`"
        )
    messages: list[tuple[type[Exception], str]] = [
        (TranscriptsDisabled, f"captions are disabled for {video}"),
        (NoTranscriptFound, f"{video} has no '{lang}' captions (try another --lang)"),
        (NotTranslatable, f"YouTube cannot translate the captions of {video}"),
        (
            TranslationLanguageNotAvailable,
            f"YouTube cannot translate the captions of {video} into '{target}'",
        ),
        (InvalidVideoId, f"'{video_id}' is not a valid YouTube video id"),
        (VideoUnavailable, f"{video} is unavailable (removed, private, or a wrong id)"),
        (AgeRestricted, f"{video} is age-restricted; its captions need a signed-in account"),
    ]
    for kind, message in messages:
        if isinstance(error, kind):
            return message
    if isinstance(error, VideoUnplayable):
        return f"{video} cannot be played: {error.reason or 'no reason given'}"
    if isinstance(error, YouTubeRequestFailed):
        return f"YouTube refused the request for {video}: {error.reason.splitlines()[0]}"
    if isinstance(error, CouldNotRetrieveTranscript):
        return (
            f"could not read the captions of {video} ({type(error).__name__}); YouTube may have"
            " changed: try `pip install -U youtube-transcript-api`"
        )
    return f"could not fetch the captions of {video} ({type(error).__name__})"
