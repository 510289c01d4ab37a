"""The message catalogue (bot/locale/*.po): complete in both languages, the same placeholders,
Korean without English sentences of ours, and every key the code uses is in it (and the other
way round)."""

from __future__ import annotations

import ast
import re
import shutil
import string
import subprocess
from pathlib import Path

import polib
import pytest

from bot.messages import LANGS, catalogue, command_text, error_message, message
from retrieval.errors import LectureBotError, QueryError
from retrieval.index import check_query

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "bot" / "locale"
CODE = sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "retrieval").rglob("*.py")])

#: Calls whose first argument is a message key (`t`, `say`: the bot's and the CLI's names for
#: `message`; `_said`, `_lecture_error`: the CLI's errors and check lines).
KEY_FUNCTIONS = {"t", "say", "message", "_said", "_lecture_error"}
#: Keys the code builds (`help_{name}` in bot/discord/embeds.py).
BUILT_PREFIXES = ("help_",)

#: What a Korean message may contain in Latin letters: code, commands, options, settings,
#: acronyms, times, file names, placeholders, and these names.
LATIN_ALLOWED = re.compile(
    r"""
      `[^`]*`                                   # code: `/privacy log_questions:False`
    | \{[^}]*\}                                 # placeholders
    | https?://\S+
    | (?<![\w/])/[a-z]+                         # slash commands
    | --[a-z-]+                                 # options
    | (?<![A-Za-z])[A-Z][A-Z0-9_]*[A-Z0-9](?![A-Za-z])  # SFT, RLHF, ID, DISCORD_TOKEN
    | (?<![A-Za-z])[A-Za-z0-9]*\d[A-Za-z0-9-]*  # times and codes: 2h7m30s, 7d, UTF-8
    | [\w/*]+\.md                               # file names: kr/*.md
    """,
    re.VERBOSE,
)
NAMES = {"YouTube", "Discord", "Enter", "q", "ms"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _keys(lang: str) -> set[str]:
    return {key for (context, key) in catalogue(lang) if not context}  # type: ignore[arg-type]


def test_both_files_hold_the_same_entries_each_once() -> None:
    entries = {}
    for lang in LANGS:
        po = polib.pofile(str(LOCALE / f"{lang}.po"))
        assert po.metadata["Language"] == lang
        ids = [(entry.msgctxt or "", entry.msgid) for entry in po]
        assert len(ids) == len(set(ids)), f"{lang}.po has a message twice"
        assert all(entry.msgstr.strip() for entry in po), f"{lang}.po has an empty message"
        assert not po.obsolete_entries()
        entries[lang] = set(ids)
    assert entries["en"] == entries["ko"]
    assert len(_keys("en")) > 150


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_the_same_in_both_languages_and_format(lang: str) -> None:
    for (context, key), english in catalogue("en").items():
        text = catalogue(lang)[(context, key)]  # type: ignore[index]
        assert _fields(text) == _fields(english), key
        assert all(name.isidentifier() for name in _fields(text)), key


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_gettext_itself_accepts_the_file(lang: str, tmp_path: Path) -> None:
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / f"{lang}.mo"), str(LOCALE / f"{lang}.po")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and not checked.stderr, checked.stderr


def test_english_command_texts_are_their_own_msgid() -> None:
    commands = {key: text for (context, key), text in catalogue("en").items() if context}
    assert commands and all(text == key for key, text in commands.items())
    assert command_text("Ask the lecture", "ko") == "강의에 질문하기"
    assert command_text("Not a command of ours", "ko") is None


def test_korean_messages_have_no_english_words_of_ours() -> None:
    for (_, key), text in catalogue("ko").items():
        rest = LATIN_ALLOWED.sub(" ", text)
        english = [word for word in re.findall(r"[A-Za-z]+", rest) if word not in NAMES]
        assert not english, f"{key}: {english} in {text!r}"


def test_korean_messages_are_korean() -> None:
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for (_, key), text in catalogue("ko").items():
        assert hangul.search(text) or not re.search(r"[A-Za-z]{2}", text), key


def _used_keys() -> dict[str, str]:
    """Every message key written in the code: the first argument of a `KEY_FUNCTIONS` call
    and every `key="..."` (a LectureBotError's), with where it is."""
    used: dict[str, str] = {}
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0] if node.args else None
            if name in KEY_FUNCTIONS and isinstance(first, ast.Constant):
                used[str(first.value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "key" and isinstance(value, ast.Constant) and value.value:
                    used[str(value.value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return used


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used = _used_keys()
    assert {"query_empty", "time_not_a_time", "cli_no_chapter", "chapter_label"} <= set(used)
    missing = {key: where for key, where in used.items() if key not in _keys("en")}
    assert not missing


def test_every_key_in_the_catalogue_is_used() -> None:
    code = "\n".join(path.read_text(encoding="utf-8") for path in CODE)
    quoted = set(re.findall(r"""["']([a-z][a-z0-9_]*)["']""", code))
    unused = {
        key for key in _keys("en") if key not in quoted and not key.startswith(BUILT_PREFIXES)
    }
    assert not unused


def test_message_formats_in_each_language() -> None:
    assert message("chapter_label", "en", number=3) == "Chapter 3"
    assert message("chapter_label", "ko", number=3) == "3장"
    assert message("chapter_label", "de", number=3) == "Chapter 3"  # anything else: English
    with pytest.raises(KeyError):
        message("no_such_key", "en")


def test_an_error_with_a_key_is_said_in_either_language() -> None:
    with pytest.raises(QueryError) as raised:
        check_query("가" * 1001)
    assert error_message(raised.value, "ko") == (
        "질문은 1,000자까지 할 수 있어요 (지금 1,001자). 더 짧게 물어봐 주세요."
    )
    assert "1,000" in error_message(raised.value, "en")
    plain = LectureBotError("the caption file has no usable cues")
    assert error_message(plain, "ko") == "the caption file has no usable cues"
