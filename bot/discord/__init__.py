"""The Discord front end: a discord.py bot whose slash commands render the retriever's answers.

`runner.run_bot` serves, `runner.sync_commands` publishes the command tree; `client.LectureBot`
is the bot, one cog per feature lives in `cogs/`, `embeds` and `views` render answers.
"""
