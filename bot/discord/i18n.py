"""Korean localisation: command descriptions through `app_commands.Translator`, and our own reply
texts (labels, errors, help) picked by `interaction.locale`, both from the message catalogue
(bot/messages.py, bot/locale/*.po).

Command and option names stay English; descriptions, choice names and the message menu's name
are translated.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.messages import Lang, command_text
from bot.messages import message as t

__all__ = ["Lang", "LectureTranslator", "lang_of", "t"]


def lang_of(locale: discord.Locale | str | None) -> Lang:
    """`ko` for a Korean Discord client, else `en`."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    return "ko" if value.lower().startswith("ko") else "en"


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
            return command_text(string.message, "ko")  # a menu's name is what users read
        if context.location not in _TRANSLATED:
            return None
        return command_text(string.message, "ko")
