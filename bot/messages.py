"""The one message catalogue of the bot and the CLI: every text we show a user, in English and
Korean, from the gettext PO files `bot/locale/en.po` and `bot/locale/ko.po`.

A message is looked up by its key (the `msgid`) and formatted with `str.format`. The Discord
command texts (`msgctxt "command"`) are looked up by their English text, the way discord.py's
translator hands them over. A language's file is parsed the first time one of its messages is
needed, once per process (a few milliseconds: docs/benchmarks.md).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Literal

from retrieval.errors import LectureBotError

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = ("en", "ko")
COMMAND = "command"  # the msgctxt of Discord command descriptions, choice and menu names


@cache
def catalogue(lang: Lang) -> dict[tuple[str, str], str]:
    """`(msgctxt or "", msgid) -> msgstr` of `lang`'s PO file (untranslated entries left out)."""
    import polib  # ~3 ms: only once a message is needed, not by every import of the CLI

    text = (files("bot") / "locale" / f"{lang}.po").read_text(encoding="utf-8")
    return {
        (entry.msgctxt or "", entry.msgid): entry.msgstr
        for entry in polib.pofile(text)
        if entry.msgstr and not entry.obsolete
    }


def message(key: str, lang: Lang | str, /, **values: object) -> str:
    """Our message `key` in `lang` (Korean for "ko", else English), formatted with `values`."""
    return catalogue(_lang(lang))[("", key)].format(**values)


def has_message(key: str) -> bool:
    return ("", key) in catalogue("en")


def command_text(english: str, lang: Lang | str) -> str | None:
    """A Discord command description, choice or menu name in `lang`, or None without one."""
    return catalogue(_lang(lang)).get((COMMAND, english))


def error_message(error: LectureBotError, lang: Lang | str) -> str:
    """What went wrong, in `lang` when the error names one of our messages (its `key`), else
    its own (English) text: a data or setup problem for whoever runs the bot."""
    if error.key and has_message(error.key):
        return message(error.key, lang, **error.values)
    return str(error)


def _lang(lang: str) -> Lang:
    return "ko" if lang == "ko" else "en"
