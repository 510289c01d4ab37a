"""Settings: `.env` and the environment, and what `.env` may not set."""

from __future__ import annotations

from pathlib import Path

from bot.settings import API_BASE_VAR, GATEWAY_VAR, Settings


def test_development_endpoints_are_never_taken_from_dotenv(tmp_path: Path) -> None:
    """A `.env` in the working directory must not send the token to another server."""
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"DISCORD_TOKEN=abc\n{API_BASE_VAR}=http://attacker.example/api\n"
        f"{GATEWAY_VAR}=ws://attacker.example/gw\nLECTURE_BOT_DB=/tmp/x.sqlite3\n",
        encoding="utf-8",
    )
    settings = Settings.from_env(environ={}, dotenv_path=dotenv)
    assert settings.token == "abc"
    assert settings.api_base is None and settings.gateway_url is None
    assert settings.database == "/tmp/x.sqlite3"
    from_process = Settings.from_env(
        environ={API_BASE_VAR: "http://127.0.0.1:1/api", GATEWAY_VAR: "ws://127.0.0.1:1/gw"},
        dotenv_path=dotenv,
    )
    assert from_process.api_base == "http://127.0.0.1:1/api"
    assert from_process.gateway_url == "ws://127.0.0.1:1/gw"
