"""Helpers for the Discord bot tests: a tiny in-memory lecture, a fixed retriever over it, and
the harness that drives a real `LectureBot` through the fake Discord."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
import discord.http
from fake_discord import FakeDiscord, Request

from bot.discord.client import LectureBot
from retrieval.course import Course
from retrieval.errors import QueryError
from retrieval.index import check_query
from retrieval.lecture import Catalog, Chapter, Lecture, Segment
from retrieval.results import Answer, Hit

VIDEO = "7xTGNNLPyMI"
_CHAPTERS = [
    (1, "Introduction", "소개", 0),
    (2, "Pretraining Data (Internet)", "사전학습 데이터 (인터넷)", 60),
    (3, "Tokenization", "토큰화", 467),
    (4, "Neural Network I/O", "신경망 입출력", 867),
]
DURATION = 1211


def tiny_catalog() -> Catalog:
    ends = [start for *_, start in _CHAPTERS[1:]] + [DURATION]
    chapters = tuple(
        Chapter(
            number=number,
            title=title,
            title_ko=title_ko,
            start=start,
            end=end,
            summary_en=f"What chapter {number} ({title}) explains, in a few sentences.",
            summary_ko=f"{number}장 ({title_ko})의 요약입니다.",
            key_points_en=(f"First point of {title}", f"Second point of {title}"),
            key_points_ko=(f"{title_ko}의 첫째 요점", f"{title_ko}의 둘째 요점"),
        )
        for (number, title, title_ko, start), end in zip(_CHAPTERS, ends, strict=True)
    )
    return Catalog(
        lecture_id="deep-dive-llms",
        video_id=VIDEO,
        title="Deep Dive into LLMs like ChatGPT",
        title_ko="LLM 심층 탐구",
        author="Andrej Karpathy",
        duration=DURATION,
        chapters=chapters,
    )


def tiny_lecture() -> Lecture:
    catalog = tiny_catalog()
    segments = []
    for start in range(0, 1200, 30):
        chapter = catalog.chapter_at(start).number
        if chapter == 3:
            text = f"At {start} seconds we cut text into tokens, and the tokens form a sequence."
            text_ko = f"{start}초에 텍스트를 토큰으로 자릅니다."
        else:
            text = f"At {start} seconds the lecture talks about chapter {chapter} material."
            text_ko = f"{start}초에 {chapter}장 내용을 이야기합니다."
        segments.append(Segment(start, start + 30, chapter, text, text_ko))
    return Lecture(catalog=catalog, segments=tuple(segments))


class FixedIndex:
    """A tiny, predictable retriever with the `Index` interface the bot uses: a hit for every
    segment containing a query word (matched words as spans), QueryError for an empty query.
    `gate`, when set, makes `answer` block until it is released (to test deferring); `delay`
    makes it take that many seconds."""

    def __init__(self, lecture: Lecture):
        self.lecture = lecture
        self.catalog = lecture.catalog
        self.course = Course((lecture,))
        self.gate: threading.Event | None = None
        self.delay = 0.0
        self.started = threading.Event()
        self.calls: list[tuple[str, int, int | None]] = []

    def answer(
        self, query: str, k: int = 3, chapter: int | None = None, lecture: str | None = None
    ) -> Answer:
        self.calls.append((query, k, chapter))
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10), "the test never released the gate"
        time.sleep(self.delay)
        words = {w for w in re.findall(r"\w+", query.casefold()) if len(w) > 3}
        check_query(query)  # empty or too long: the real index's errors
        if not words:
            raise QueryError("the question has no searchable words.", key="query_no_words")
        lang = "ko" if re.search("[\uac00-\ud7a3]", query) else "en"
        hits = []
        for segment in self.lecture.segments:
            if chapter is not None and segment.chapter != chapter:
                continue
            text = segment.text_ko if lang == "ko" else segment.text
            spans = tuple(
                m.span() for m in re.finditer(r"\w+", text) if m.group().casefold() in words
            )
            if not spans:
                continue
            en_spans = tuple(
                m.span()
                for m in re.finditer(r"\w+", segment.text)
                if m.group().casefold() in words or m.group() == "tokens"
            )
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    chapter=segment.chapter,
                    chapter_title=self.catalog.chapter(segment.chapter).title,
                    start=segment.start,
                    end=segment.end,
                    url=self.catalog.url(segment.start),
                    text=segment.text,
                    spans=en_spans if lang == "ko" else spans,
                    score=1.0,
                    text_ko=segment.text_ko,
                    spans_ko=spans if lang == "ko" else (),
                )
            )
        if not hits:
            return Answer(query, (), (self.catalog.chapter(3),), lang)
        return Answer(query, tuple(hits[:k]), (), lang)

    def matches(self, query: str, lecture: str | None = None) -> list[tuple[int, float]]:
        """Every segment with a query word, as strong as its share of the most such words."""
        words = {w for w in re.findall(r"\w+", query.casefold()) if len(w) > 3}
        counts = [
            (segment.start, sum(w in words for w in re.findall(r"\w+", segment.text.casefold())))
            for segment in self.lecture.segments
        ]
        top = max((count for _, count in counts), default=0)
        return [(start, count / top) for start, count in counts if count]


_user_ids = itertools.count(1_400_000_000_000_000_000)


@dataclass
class Harness:
    fake: FakeDiscord
    bot: LectureBot
    index: Any

    @staticmethod
    def new_user() -> int:
        return next(_user_ids)

    async def interact(self, payload: dict[str, Any]) -> Request:
        """Dispatch INTERACTION_CREATE and return the bot's first successful callback."""
        mark = self.fake.mark()
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for_request(
            "POST",
            f"/interactions/{payload['id']}/{payload['token']}/callback",
            after=mark,
            where=lambda request: request.status == 200,
        )

    async def reply_data(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The message the bot sent for `payload`: its callback's, or, when the bot deferred
        (slow CPU work), the followup that came after."""
        mark = self.fake.mark()
        callback = await self.interact(payload)
        if callback.json["type"] != 5:
            return callback.data
        return (await self.followup(payload, after=mark)).json

    async def followup(self, payload: dict[str, Any], after: int = 0) -> Request:
        return await self.fake.wait_for_request(
            "POST", f"/webhooks/{payload['application_id']}/{payload['token']}", after=after
        )


StartBot = Callable[..., Awaitable[Harness]]


def callback_message_id(harness: Harness, callback: Any) -> str:
    """The id of the message the fake created when it answered `callback`."""
    return next(
        str(mid)
        for mid, message in reversed(harness.fake.messages.items())
        if message["embeds"] == callback.data.get("embeds")
    )


def buttons(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """label (or emoji, for buttons without one) -> button component of a message payload."""
    return {
        button.get("label") or button["emoji"]["name"]: button
        for row in data.get("components", [])
        for button in row["components"]
    }


def check_embeds(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The embeds of a message payload, each checked against Discord's limits."""
    from bot.discord.embeds import limit_violations

    for embed in data.get("embeds", []):
        assert limit_violations(discord.Embed.from_dict(embed)) == []
    return data.get("embeds", [])


def embed_characters(embed: dict[str, Any]) -> int:
    """The characters of an embed a reader sees: title, description, footer and fields."""
    fields = embed.get("fields", [])
    return sum(
        len(part)
        for part in (
            embed.get("title", ""),
            embed.get("description") or "",
            embed.get("footer", {}).get("text", ""),
            *(field["name"] for field in fields),
            *(field["value"] for field in fields),
        )
    )
