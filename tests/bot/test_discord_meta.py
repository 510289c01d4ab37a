"""A meta-test over the command tree (like python-discord/bot's): unique names, every
description present and translated, `describe` for every parameter, limits in the types."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.client import EXTENSIONS, LectureBot
from bot.messages import command_text

MISSING_DESCRIPTION = "…"  # what discord.py shows for a parameter without @describe


async def loaded_tree() -> app_commands.CommandTree:
    bot = LectureBot(load_index=None)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    return bot.tree


async def test_every_command_is_named_described_and_translated():
    tree = await loaded_tree()
    commands = tree.get_commands()
    names = [(command.name, type(command).__name__) for command in commands]
    assert len(names) == len(set(names))
    assert {name for name, _ in names} == {
        "ask",
        "chapter",
        "chapters",
        "lecture",
        "lectures",
        "link",
        "quiz",
        "insights",
        "privacy",
        "help",
        "Ask the lecture",
    }
    for command in [*commands, *(sub for c in commands for sub in getattr(c, "commands", ()))]:
        if isinstance(command, app_commands.ContextMenu):
            assert command.type is discord.AppCommandType.message
            continue
        if isinstance(command, app_commands.Group):
            assert command_text(command.description, "ko"), command.name
            continue
        assert command.name.islower() and command.name.isascii()
        assert command.description and command.description != MISSING_DESCRIPTION
        assert len(command.description) <= 100
        assert command_text(command.description, "ko"), command.name
        assert len(command.parameters) <= 25
        for parameter in command.parameters:
            where = f"/{command.name} {parameter.display_name}"
            assert parameter.description != MISSING_DESCRIPTION, f"{where} has no @describe"
            assert len(parameter.description) <= 100, where
            assert command_text(parameter.description, "ko"), where
            for choice in parameter.choices:
                assert command_text(choice.name, "ko"), f"{where} choice {choice.name}"


async def test_limits_live_in_the_types():
    tree = await loaded_tree()
    ask = tree.get_command("ask")
    question = ask.get_parameter("question")
    assert (question.min_value, question.max_value, question.required) == (1, 300, True)
    chapter = ask.get_parameter("chapter")
    assert (chapter.min_value, chapter.max_value, chapter.autocomplete) == (1, 99, True)
    assert ask.get_parameter("private").default is False
    number = tree.get_command("chapter").get_parameter("number")
    assert (number.min_value, number.max_value, number.autocomplete) == (1, 99, True)
    quiz = tree.get_command("quiz")
    chapter = quiz.get_parameter("chapter")
    assert (chapter.min_value, chapter.max_value, chapter.autocomplete) == (1, 99, True)
    assert quiz.get_parameter("lecture").autocomplete is True
    assert quiz.get_parameter("private").default is False
