"""Pure tests of the Discord renderer, settings and localisation: no network, no client."""

from __future__ import annotations

import dataclasses
import re
import time

import discord
import pytest
from discord_harness import tiny_catalog

from bot.discord import embeds
from bot.discord.config import TokenRedactor
from bot.discord.i18n import LectureTranslator, lang_of
from bot.settings import ConfigError, Settings
from retrieval.lecture import Chapter
from retrieval.results import Answer, Hit


def make_hit(rank: int, text: str, spans=(), chapter: int = 3, **extra) -> Hit:
    catalog = tiny_catalog()
    return Hit(
        rank=rank,
        chapter=chapter,
        chapter_title=catalog.chapter(chapter).title,
        start=467 + rank,
        end=497 + rank,
        url=catalog.url(467 + rank),
        text=text,
        spans=tuple(spans),
        score=1.0,
        **extra,
    )


# -- trimming and highlighting ----------------------------------------------------------------


def test_trim_cuts_on_a_word_boundary_with_an_ellipsis():
    assert embeds.trim("short", 10) == "short"
    assert embeds.trim("one two three four", 12) == "one two…"
    assert len(embeds.trim("x" * 50, 10)) == 10


@pytest.mark.parametrize(
    "text",
    [
        "plain transcript words and 9.11 numbers",
        "snake_case and *stars* and `ticks` and ~strike~ and |pipes|",
        "> a quote",
        "# a header",
        "  - a list item",
        "a [masked](https://example.com) link",
        "https://example.com/a_b_c stays a link",
        "back\\slash",
        "no markdown, 한국어 텍스트도 그대로",
    ],
)
def test_escape_shows_every_markdown_character_literally(text: str):
    escaped = embeds.escape(text)
    urls = re.findall(r"https?://\S+", text)
    outside = re.sub(r"https?://\S+", "", escaped)
    for position, char in enumerate(outside):
        if char in "*_~|`>#-[]" and (position == 0 or outside[position - 1] != "\\"):
            raise AssertionError(f"unescaped {char!r} in {escaped!r}")
    assert all(url in escaped for url in urls)  # links stay links
    assert re.sub(r"\\(.)", r"\1", outside) == re.sub(r"https?://\S+", "", text)


def test_escape_is_linear_on_hostile_text():
    started = time.perf_counter()
    escaped = embeds.escape(("[" + "](") * 50_000)
    assert time.perf_counter() - started < 1  # milliseconds; discord.py's took seconds at 4 KB
    assert escaped.startswith("\\[\\](")


def test_highlight_bolds_matched_words_and_escapes_the_rest():
    text = "the tokens (*not* words) are_cut"
    assert embeds.highlight(text, [(4, 10)], 100) == r"the **tokens** (\*not\* words) are\_cut"


def test_highlight_of_a_long_passage_starts_near_the_match_and_respects_the_limit():
    text = (
        " ".join(f"w{i}" for i in range(400))
        + " tokenizer "
        + " ".join("z" * 5 for _ in range(100))
    )
    start = text.index("tokenizer")
    snippet = embeds.highlight(text, [(start, start + 9)], 200)
    assert len(snippet) <= 200
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "**tokenizer**" in snippet


def test_highlight_never_splits_bold_markers_at_the_limit():
    text = "a " * 10 + "markdown*heavy*_text_ " * 60
    spans = [(m, m + 8) for m in range(20, len(text) - 8, 22)]
    for limit in (50, 97, 333):
        snippet = embeds.highlight(text, spans, limit)
        assert len(snippet) <= limit
        assert snippet.count("**") % 2 == 0


# -- answers ----------------------------------------------------------------------------------


def test_huge_hits_and_queries_stay_within_every_embed_limit():
    catalog = tiny_catalog()
    long_text = "tokens " * 2000
    hits = tuple(
        make_hit(i, long_text, [(0, 6), (7000, 7006)], text_ko="토큰 " * 3000, spans_ko=((0, 2),))
        for i in range(1, 10)
    )
    answer = Answer("why " * 2000, hits, (), "ko")
    for lang in ("en", "ko"):
        for page in range(3):
            embed = embeds.answer_embed(answer, catalog, lang, page)
            assert embeds.limit_violations(embed) == []
            assert len(embed.fields) == 3
            assert embed.title.endswith('…"') or embed.title.endswith('…"에 대한 답')


def test_answer_field_links_the_moment_and_names_the_chapter_in_the_users_language():
    catalog = tiny_catalog()
    hit = make_hit(
        1, "we cut text into tokens", [(17, 23)], text_ko="토큰으로 자릅니다", spans_ko=((0, 4),)
    )
    name, value = embeds.hit_field(hit, catalog, "ko", show_korean=True)
    assert name == "1. 3장 · 토큰화"
    assert value == (
        "[7:48](https://www.youtube.com/watch?v=7xTGNNLPyMI&t=468s) we cut text into **tokens**\n"
        "> **한국어:** **토큰으로** 자릅니다"
    )
    _, english_only = embeds.hit_field(hit, catalog, "en", show_korean=False)
    assert "한국어" not in english_only


def test_no_match_without_suggestions_points_to_chapters():
    embed = embeds.no_match_embed(Answer("quantum soup", ()), tiny_catalog(), "en")
    assert "/chapters" in embed.description


# -- chapters ---------------------------------------------------------------------------------


def test_twenty_four_long_chapters_fit_one_message():
    catalog = tiny_catalog()
    long_chapters = tuple(
        dataclasses.replace(
            catalog.chapters[0],
            number=n,
            title=("Reinforcement Learning from Human Feedback " * 6).strip(),
            title_ko="인간 피드백 기반 강화학습 " * 8,
            start=n * 100,
            end=n * 100 + 100,
        )
        for n in range(1, 25)
    )
    big = dataclasses.replace(catalog, chapters=long_chapters, duration=2500)
    for lang in ("en", "ko"):
        embed = embeds.chapters_embed(big, lang)
        assert embeds.limit_violations(embed) == []
        listed = (embed.description or "") + "".join(f.value for f in embed.fields)
        shown = listed.count("](https://")
        assert shown == 24 or embed.footer.text.startswith(("…and", "…외"))


def test_chapter_with_huge_summary_and_key_points_stays_within_limits():
    chapter: Chapter = dataclasses.replace(
        tiny_catalog().chapters[2],
        summary_en="A long summary. " * 600,
        key_points_en=tuple(f"point {i} " * 40 for i in range(30)),
    )
    embed = embeds.chapter_embed(chapter, tiny_catalog(), "en")
    assert embeds.limit_violations(embed) == []
    assert embed.fields[0].value.endswith("…")


def test_link_embed_escapes_the_transcript_and_handles_silence():
    catalog = tiny_catalog()
    embed = embeds.link_embed(485, catalog, "we *love* @everyone", "en")
    assert embed.fields[1].value == r"we \*love\* @everyone"
    silent = embeds.link_embed(485, catalog, "", "ko")
    assert silent.fields[1].value == "(이 순간의 자막이 없어요)"


# -- settings ---------------------------------------------------------------------------------


def test_settings_mask_the_token_and_read_dotenv(tmp_path):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-dotenv\nDISCORD_GUILD_ID=42\n")
    settings = Settings.from_env({"LOG_LEVEL": "debug"}, tmp_path / ".env")
    assert (settings.token, settings.guild_id, settings.log_level) == ("from-dotenv", 42, "DEBUG")
    assert "from-dotenv" not in repr(settings) and "from-dotenv" not in str(settings)
    overridden = Settings.from_env({"DISCORD_TOKEN": "from-env"}, tmp_path / ".env")
    assert overridden.token == "from-env"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "a b"}, "contains spaces"),
        ({"DISCORD_TOKEN": "t", "DISCORD_GUILD_ID": "my-server"}, "numeric server id"),
        ({"DISCORD_TOKEN": "t", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
    ],
)
def test_bad_settings_say_what_to_fix(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(environ, tmp_path / "absent.env").require_token()


def test_token_redactor_scrubs_messages():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent %s", ("Bot s3cret",), None)
    TokenRedactor("s3cret").filter(record)
    assert record.getMessage() == "sent Bot [token]"


# -- localisation -----------------------------------------------------------------------------


def test_lang_of_locale():
    assert lang_of(discord.Locale.korean) == "ko"
    assert lang_of(discord.Locale.american_english) == "en"
    assert lang_of(None) == "en"


async def test_translator_translates_descriptions_only_for_korean():
    from discord.app_commands import TranslationContext, TranslationContextLocation, locale_str

    translator = LectureTranslator()
    text = "Ask the lecture a question and get the moments that answer it."
    where = TranslationContext(TranslationContextLocation.command_description, None)
    name = TranslationContext(TranslationContextLocation.command_name, None)
    assert await translator.translate(locale_str(text), discord.Locale.korean, where)
    assert await translator.translate(locale_str(text), discord.Locale.japanese, where) is None
    assert await translator.translate(locale_str("ask"), discord.Locale.korean, name) is None


async def test_every_view_has_its_own_button_ids():
    from bot.discord.views import AnswerPages, Paginator

    answer = Answer("tokens", tuple(make_hit(rank, "tokens") for rank in range(1, 5)), ())
    views = [
        Paginator(AnswerPages(answer, tiny_catalog()), owner_id=1, lang="en", shareable=True)
        for _ in range(2)
    ]
    ids = [item.custom_id for view in views for item in view.children]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert all(custom_id.startswith("lecture-bot:") for custom_id in ids)
    names = {custom_id.rsplit(":", 1)[1] for custom_id in ids}
    assert names == {"previous", "next", "share", "transcript"}
