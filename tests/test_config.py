"""The config: which file is read (the current folder's config.yaml, --config, GARDBOT_CONFIG;
never the one beside the installed package), and the checks `gardbot telegram` makes
(TelegramSettings.validate)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from answers.settings import EngineSettings
from bot.config import ConfigError, TelegramSettings, load_config


def test_config_yaml_is_read_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.yaml").write_text("answers:\n  max_excerpts: 2\nindex:\n  dir: here/index\n")
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.answers == EngineSettings(max_excerpts=2)  # the engine's own settings type
    assert config.index_dir == tmp_path / "here" / "index"


def test_without_a_config_file_the_defaults_hold_beside_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the repository's config.yaml is not in this folder
    config = load_config(env={})
    assert config.answers == EngineSettings()
    assert config.database_url == str(tmp_path / "data" / "gardbot.sqlite3")


def test_config_flag_and_environment_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "bot.yaml").write_text("answers:\n  max_chars: 900\n")
    (tmp_path / "config.yaml").write_text("answers:\n  max_chars: 700\n")
    monkeypatch.chdir(tmp_path)
    assert load_config(elsewhere / "bot.yaml", env={}).answers.max_chars == 900
    assert load_config(env={"GARDBOT_CONFIG": str(elsewhere / "bot.yaml")}).answers.max_chars == 900
    assert load_config(env={}).answers.max_chars == 700
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml", env={})


GOOD = TelegramSettings(token="4242:AAsecret")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"token": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"mode": "push"}, "telegram.mode must be polling or webhook, not 'push'"),
        ({"mode": "webhook", "webhook_url": "http://x.example/hook"}, "an https:// address"),
        ({"health_port": -1}, "health_port must be 0 (off) to 65535, not -1"),
        ({"outbox_stuck_seconds": 0.0}, "outbox_stuck_seconds must be more than 0"),
        (
            {"mode": "webhook", "webhook_url": "https://x.example/hook", "health_port": 8443},
            "give /healthz a port of its own",
        ),
    ],
)
def test_telegram_settings_refuse_what_the_bot_cannot_run_with(changes: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as refused:
        replace(GOOD, **changes).validate()
    assert expected in str(refused.value) and "AAsecret" not in str(refused.value)


def test_good_telegram_settings_pass() -> None:
    GOOD.validate()
    replace(GOOD, mode="webhook", webhook_url="https://x.example/hook", health_port=9000).validate()
