"""Fixtures for every test under tests/bot: the fake Discord and a real bot connected to it
(defined in discord_fixtures.py; import helpers from discord_harness, not from conftest)."""

from discord_fixtures import *  # noqa: F403
