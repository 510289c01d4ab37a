"""The lecture-bot front ends: the Discord bot and the `lecture-bot` command line."""
