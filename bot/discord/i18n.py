"""Korean localisation: command descriptions through `app_commands.Translator`, and our own reply
texts (labels, errors, help) picked by `interaction.locale`.

Command and option names stay English; only descriptions and choice names are translated.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

Lang = Literal["en", "ko"]


def lang_of(locale: discord.Locale | str | None) -> Lang:
    """`ko` for a Korean Discord client, else `en`."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    return "ko" if value.lower().startswith("ko") else "en"


#: English command text (as written in the cogs) -> Korean. Every description, parameter
#: description and choice name of every command must appear here (a test checks it).
COMMAND_TEXT_KO: dict[str, str] = {
    # /ask
    "Ask the lecture a question and get the moments that answer it.": (
        "강의에 질문하고 답이 나오는 순간을 찾아보세요."
    ),
    "Your question, in English or Korean": "질문 (영어 또는 한국어)",
    "Only search this chapter (its number)": "이 챕터에서만 찾기 (챕터 번호)",
    "Only you see the answer (default: everyone in the channel)": (
        "나만 보기 (기본값: 채널의 모두가 봄)"
    ),
    # /chapter, /chapters
    "Show one chapter: summary, key points and where it starts.": (
        "챕터 하나 보기: 요약, 핵심 내용, 시작 위치."
    ),
    "Chapter number; type a number or part of the title": "챕터 번호 (번호나 제목 일부를 입력)",
    "List every chapter with a link to where it starts.": "모든 챕터와 시작 위치 링크 보기.",
    "Only search this lecture (default: every lecture of the course)": (
        "이 강의에서만 찾기 (기본값: 코스의 모든 강의)"
    ),
    "The lecture (default: this server's default lecture)": ("강의 (기본값: 이 서버의 기본 강의)"),
    # /lectures, /lecture default
    "List the lectures of the course with their lengths and links.": (
        "코스의 강의 목록과 길이, 링크를 보여줍니다."
    ),
    "Settings for the lectures of this server.": "이 서버의 강의 설정.",
    "Choose this server's default lecture (needs Manage Server).": (
        "이 서버의 기본 강의를 정합니다 (서버 관리 권한 필요)."
    ),
    "The lecture /chapter and /chapters show when none is named": (
        "강의를 지정하지 않았을 때 /chapter, /chapters 가 보여줄 강의"
    ),
    # /link
    "Link to a moment of the lecture and see what is said there.": (
        "강의의 특정 순간으로 가는 링크와 그때 하는 말을 보여줍니다."
    ),
    "A time such as 2:07:30, 7650, 2h7m30s, 1시간 2분, or a pasted YouTube link": (
        "시간 (예: 2:07:30, 7650, 2h7m30s, 1시간 2분, 유튜브 링크 붙여넣기)"
    ),
    # /help
    "How to use the lecture bot.": "강의 봇 사용법.",
    "What you need help with": "도움이 필요한 주제",
    "Asking questions": "질문하기",
    "Chapters": "챕터",
    "Time links": "시간 링크",
}

#: Message-menu names, shown in the Apps menu: translated, unlike slash command names.
MENU_NAMES_KO: dict[str, str] = {"Ask the lecture": "강의에 질문하기"}

_TRANSLATED = {Where.command_description, Where.parameter_description, Where.choice_name}


class LectureTranslator(app_commands.Translator):
    """Korean descriptions and choice names for the command tree (used by `tree.sync`)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.korean:
            return None
        if context.location is Where.command_name and isinstance(
            context.data, app_commands.ContextMenu
        ):
            return MENU_NAMES_KO.get(string.message)  # a menu's name is what users read
        if context.location not in _TRANSLATED:
            return None
        return COMMAND_TEXT_KO.get(string.message)


#: Our reply texts: key -> (English, Korean), formatted with str.format.
TEXTS: dict[str, tuple[str, str]] = {
    "answer_title": ('Answers to "{query}"', '"{query}"에 대한 답'),
    "chapter_label": ("Chapter {number}", "{number}장"),
    "results_footer": (
        "{lecture} · results {first}–{last} of {total}",
        "{lecture} · 결과 {first}–{last} / {total}",
    ),
    "results_footer_more": (
        "{lecture} · results {first}–{last}, more below",
        "{lecture} · 결과 {first}–{last}, 아래에서 더 보기",
    ),
    "no_match_title": ("No good match", "딱 맞는 부분을 찾지 못했어요"),
    "no_match": (
        'I could not find a moment in the lecture that really answers "{query}".',
        '강의에서 "{query}"에 정말로 답하는 부분을 찾지 못했어요.',
    ),
    "suggestions": ("Chapters that may help", "도움이 될 만한 챕터"),
    "no_suggestions": (
        "Try other words, or browse the chapters with /chapters.",
        "다른 단어로 물어보거나 /chapters 로 챕터를 둘러보세요.",
    ),
    "korean": ("Korean", "한국어"),
    "previous": ("Previous", "이전"),
    "next": ("Next", "다음"),
    "more_results": ("More results", "결과 더 보기"),
    "share": ("Share", "공유하기"),
    "shared_by": ("Shared by {user}", "{user} 님이 공유했어요"),
    "expired": (
        "This answer has expired — ask again with /ask.",
        "이 답변은 만료되었어요. /ask 로 다시 질문해 주세요.",
    ),
    "not_yours": (
        "Only the person who asked can use these buttons. Ask your own with /ask.",
        "이 버튼은 질문한 사람만 누를 수 있어요. /ask 로 직접 질문해 보세요.",
    ),
    "cooldown": (
        "Easy there: one question every {per:g} seconds. Try again in {retry:.1f} s.",
        "잠시만요: 질문은 {per:g}초에 한 번 할 수 있어요. {retry:.1f}초 뒤에 다시 해 보세요.",
    ),
    "too_long": (
        "Questions can be at most {limit} characters (yours has {length}). Try a shorter one.",
        "질문은 {limit}자까지 할 수 있어요 (지금 {length}자). 더 짧게 물어봐 주세요.",
    ),
    "bad_question": ("I can't search that: {reason}", "그 질문은 검색할 수 없어요: {reason}"),
    "empty_message": (
        "That message has no text to ask about.",
        "그 메시지에는 질문으로 쓸 글이 없어요.",
    ),
    "time_not_a_time": (
        "'{text}' is not a time. Try 2:07:30, 7:47, 7650, 2h7m30s, 1시간 2분 3초 or a "
        "YouTube link to the moment.",
        "'{text}'은(는) 시간으로 읽을 수 없어요. 2:07:30, 7:47, 7650, 2h7m30s, 1시간 2분 3초 "
        "또는 그 순간의 유튜브 링크로 적어 주세요.",
    ),
    "time_past_end": (
        "{time} is past the end of the lecture (it is {length} long).",
        "{time}은(는) 강의가 끝난 뒤예요 (강의 길이 {length}).",
    ),
    "time_other_video": (
        "That link is to another video ({linked}), not this lecture's ({video}).",
        "다른 영상({linked})의 링크예요. 이 강의의 영상은 {video} 이에요.",
    ),
    "query_empty": (
        "Please type a question, for example: what is SFT?",
        "질문을 입력해 주세요. 예: SFT가 뭐야?",
    ),
    "query_no_words": (
        "That question has no searchable words (only very common words, symbols or emoji). "
        "Try a few keywords, for example: tokenization, RLHF, hallucination.",
        "검색할 만한 단어가 없는 질문이에요 (흔한 단어, 기호, 이모지뿐). 토큰화, RLHF, 환각처럼 "
        "핵심 단어로 물어봐 주세요.",
    ),
    "no_chapter": (
        "There is no chapter {number}; pick one from 1 to {count}.",
        "{number}장은 없어요. 1부터 {count}까지 골라 주세요.",
    ),
    "summary": ("Summary", "요약"),
    "key_points": ("Key points", "핵심 내용"),
    "key_moments": ("Key moments", "핵심 장면"),
    "key_moments_more": (
        "…{count} more on the next pages",
        "…다음 페이지에 {count}개 더",
    ),
    "key_moments_title": (
        "Chapter {number} · {title} — key moments ({part}/{parts})",
        "{number}장 · {title} — 핵심 장면 ({part}/{parts})",
    ),
    "several_lectures": ("{count} lectures", "강의 {count}개"),
    "show_transcript": ("Show transcript", "자막 전체 보기"),
    "transcript_title": ("What is said in these moments", "이 장면들에서 하는 말"),
    "lectures_title": ("The course: {count} lectures", "코스: 강의 {count}개"),
    "lecture_line": (
        "{length} · {chapters} chapters · {moments} key moments",
        "{length} · 챕터 {chapters}개 · 핵심 장면 {moments}개",
    ),
    "server_default": ("this server's default", "이 서버의 기본 강의"),
    "no_lecture": (
        "That lecture is not part of this course. See /lectures for the list.",
        "이 코스에 없는 강의예요. /lectures 에서 목록을 확인하세요.",
    ),
    "which_lecture": (
        "This course has several lectures: pick one with the `lecture` option (see /lectures), "
        "or ask a server admin to set a default with /lecture default.",
        "이 코스에는 강의가 여러 개 있어요. `lecture` 옵션으로 골라 주세요 (/lectures 참고). "
        "서버 관리자는 /lecture default 로 기본 강의를 정할 수 있어요.",
    ),
    "need_manage_server": (
        "Only members with the Manage Server permission can change this, in a server.",
        "서버 관리 권한이 있는 멤버만 서버 안에서 바꿀 수 있어요.",
    ),
    "no_store": (
        "Settings cannot be saved right now; please try again later.",
        "지금은 설정을 저장할 수 없어요. 잠시 후 다시 시도해 주세요.",
    ),
    "default_set": (
        "This server's default lecture is now: {title}",
        "이제 이 서버의 기본 강의는 {title} 이에요.",
    ),
    "weak_match": (
        "Only a partial match: these moments cover some of your question's words.",
        "일부만 일치해요: 질문의 단어 중 일부만 다루는 장면이에요.",
    ),
    "starts_at": ("Starts at", "시작"),
    "duration": ("Length", "길이"),
    "chapter_footer": (
        "{lecture} · chapter {number} of {count}",
        "{lecture} · {count}장 중 {number}장",
    ),
    "chapters_title": ("{lecture}: {count} chapters", "{lecture}: {count}개 챕터"),
    "more_chapters": ("…and {count} more (see /chapter)", "…외 {count}개 (/chapter 로 보기)"),
    "link_title": ("The lecture at {time}", "강의 {time} 지점"),
    "in_chapter": ("Chapter", "챕터"),
    "said": ("What is said", "이 순간의 내용"),
    "nothing_said": ("(no transcript at this moment)", "(이 순간의 자막이 없어요)"),
    "error_generic": (
        "Something went wrong on my side; it has been logged. Please try again.",
        "제 쪽에서 문제가 생겼어요. 기록해 두었으니 다시 시도해 주세요.",
    ),
    "error_outdated": (
        "This command is out of date. Ask a server admin to run `lecture-bot sync`.",
        "이 명령은 오래된 버전이에요. 서버 관리자에게 `lecture-bot sync` 실행을 부탁하세요.",
    ),
    "error_forbidden": ("You can't use this here.", "여기서는 이 명령을 쓸 수 없어요."),
    "help_title": ("How to use the lecture bot", "강의 봇 사용법"),
    "help_intro": (
        'Ask about "{lecture}" and I answer with the moments of the video that explain it, '
        "each with a link that starts playing right there.",
        '"{lecture}"에 대해 물어보면 그 내용을 설명하는 영상 속 순간을 찾아, '
        "바로 그 지점부터 재생되는 링크와 함께 알려 드려요.",
    ),
    "help_ask": (
        "`/ask question:` what is tokenization? — the 3 best moments; **More results** shows "
        "the next 3. Add `chapter:` to search one chapter, `private:True` to see it alone "
        "(then **Share** posts it). Right-click a message → Apps → **Ask the lecture** "
        "asks its text. One question every 3 seconds.",
        "`/ask question:` 토큰화가 뭐야? — 가장 잘 맞는 3개의 순간, **결과 더 보기**로 다음 3개. "
        "`chapter:`로 한 챕터만, `private:True`로 나만 보기 (**공유하기**로 채널에 올리기). "
        "메시지 우클릭 → 앱 → **Ask the lecture**로 그 메시지를 질문해요. 질문은 3초에 한 번.",
    ),
    "help_chapters": (
        "`/chapters` lists all chapters with links. `/chapter number:` shows one chapter's "
        "summary, key points and key moments (each a link); type a number or part of a title. "
        "**Previous**/**Next** browse.",
        "`/chapters`는 모든 챕터와 링크, `/chapter number:`는 챕터 하나의 요약, 핵심 내용, "
        "핵심 장면(각각 링크)을 보여줘요. 번호나 제목 일부를 입력하세요. "
        "**이전**/**다음**으로 넘겨 보세요.",
    ),
    "help_link": (
        "`/link time:` 2:07:30 (or 7650, 2h7m30s) — a link to that moment, its chapter and "
        "what is said there.",
        "`/link time:` 2:07:30 (또는 7650, 2h7m30s) — 그 순간으로 가는 링크, 챕터, 그때 하는 말.",
    ),
}


def t(key: str, lang: Lang, /, **values: object) -> str:
    """Our text `key` in `lang`, formatted with `values`."""
    english, korean = TEXTS[key]
    return (korean if lang == "ko" else english).format(**values)
