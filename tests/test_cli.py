"""The gardbot command: batch output format, JSON search, config overrides, clear errors."""

import io
import json

import pytest

from bot.cli import main
from bot.config import load_config
from store import open_store


@pytest.fixture
def corpus_env(small_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("GARDBOT_CORPUS", str(small_corpus))
    monkeypatch.setenv("GARDBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("GARDBOT_DB", str(tmp_path / "bot.sqlite3"))
    return small_corpus


def test_batch_output_format(corpus_env, tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    lines = [{"id": "q1", "question": "What causes IMT?"}, {"id": 2, "question": "hi"}]
    batch.write_text("\n".join(json.dumps(r) for r in lines) + "\nnot json\n", encoding="utf-8")
    assert main(["search", "--batch", str(batch), "-k", "3"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in out] == ["q1", 2]
    first = out[0]
    assert first["abstain"] is False
    assert set(first["results"][0]) == {
        "passage_id",
        "source",
        "doc_id",
        "qid",
        "qtype",
        "title",
        "url",
        "score",
    }
    assert first["results"][0]["qid"] == "0003208-2" and first["results"][0]["source"] == "GARD"
    assert len(first["results"]) <= 3
    assert out[1]["abstain"] is True


def test_console_and_search_give_published_answers_without_creating_a_database(
    corpus_env, tmp_path, capsys, monkeypatch
):
    question = "Can my employer fire me for missing work because of a rare disease?"
    assert main(["search", question, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["abstain"] is True
    assert not (tmp_path / "bot.sqlite3").exists()  # nothing to read: none created

    with open_store(str(tmp_path / "bot.sqlite3")) as store:
        ticket = store.create_ticket(1, 1, "Ann", question, None, [])
        store.answer_ticket(ticket.n, "The ADA may protect you.", 9, "Staff")
        store.publish(ticket.n, question, "The ADA may protect you.", None, "GARD information specialist")
    assert main(["search", question, "--json"]) == 0
    [first, *_] = json.loads(capsys.readouterr().out)["results"]
    assert first["source"] == "GARD staff" and first["qtype"] == "staff_answer"

    monkeypatch.setattr("sys.stdin", io.StringIO(question + "\n"))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert "“The ADA may protect you.”" in out and "Answered by staff on" in out


def test_search_json_and_corpus_flag(small_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GARDBOT_INDEX_DIR", str(tmp_path / "i"))
    monkeypatch.setenv("GARDBOT_DB", str(tmp_path / "bot.sqlite3"))
    assert (
        main(
            [
                "search",
                "what causes inflammatory myofibroblastic tumor",
                "--json",
                "--corpus",
                str(small_corpus),
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["doc_id"] == "0003208"


def test_missing_corpus_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GARDBOT_INDEX_DIR", str(tmp_path / "i"))
    assert main(["search", "anything", "--corpus", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "GARDBOT_CORPUS" in err and "Traceback" not in err


def test_corrupt_index_reported_then_rebuilt(corpus_env, tmp_path, capsys):
    assert main(["index", "build"]) == 0
    folder = next((tmp_path / "index").iterdir())
    (folder / "passages.json").write_text("{", encoding="utf-8")
    assert main(["search", "What causes IMT?"]) == 1
    assert "gardbot index build" in capsys.readouterr().err
    assert main(["index", "build"]) == 0
    assert main(["search", "What causes IMT?", "--json"]) == 0


def test_environment_overrides(tmp_path):
    config = load_config(
        env={
            "GARDBOT_COLLECTIONS": "all",
            "GARDBOT_STAFF_USER_IDS": "1, 2",
            "GARDBOT_STAFF_CHAT_ID": "-100",
            "TELEGRAM_BOT_TOKEN": "secret",
            "GARDBOT_DB": str(tmp_path / "x.db"),
        }
    )
    assert config.corpus.collections == ("all",)
    assert config.telegram.staff_user_ids == (1, 2) and config.telegram.staff_chat_id == -100
    assert "secret" not in repr(config)
    assert config.database_url == str(tmp_path / "x.db")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://gardbot:s3cret@db.internal:5432/gardbot",
        "postgres://gardbot@db.internal/gardbot?sslmode=require",
        "postgresql+psycopg://gardbot@10.0.0.5:6432/gardbot",
    ],
)
def test_a_postgresql_database_url_passes_through_unchanged(tmp_path, url):
    """A URL is not a path: it must not be resolved against the project root."""
    assert load_config(env={"GARDBOT_DB": url}).database_url == url
    config_file = tmp_path / "config.yaml"
    config_file.write_text(f"database:\n  url: '{url}'\n", encoding="utf-8")
    assert load_config(config_file, env={}).database_url == url
