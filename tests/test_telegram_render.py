"""Unit tests of the Telegram frontend's pure parts: HTML rendering and splitting, callback
data, chat keys, the rate limiter, log redaction. Validity is checked with the Bot API double's
strict Telegram-HTML parser."""

from __future__ import annotations

import logging
import re

import pytest
from botapi_double import parse_telegram_html, utf16_len
from hypothesis import given, settings
from hypothesis import strategies as st

from answers.reply import Choice, Citation, Excerpt, Reply, ReplyKind
from bot.ops.logs import RedactSecrets
from bot.telegram.render import (
    MAX_MESSAGE,
    callback,
    render_reply,
    render_ticket,
    reply_html,
    split_html,
)
from bot.telegram.state import RateLimiter, user_of_key
from store import SQLiteStore, Ticket

CITE = Citation(
    title="Tietze <syndrome> & co",
    url="https://rarediseases.info.nih.gov/gard/7777/tietze-syndrome?a=1&b=2",
    section="Treatment",
    passage_id="0006123-2-0",
    doc_id="0006123",
    qid="0006123-2",
)


def plain(html_text: str) -> str:
    return parse_telegram_html(html_text)[0]


def check_parts(parts: list[str], original: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Every part valid and within the limit; the texts join up to the original's."""
    texts = []
    for part in parts:
        text, _ = parse_telegram_html(part)  # raises like Telegram on invalid HTML
        assert 0 < utf16_len(text) <= limit
        texts.append(text)
    assert "".join(texts) == plain(original)
    return texts


def test_short_text_is_one_part_unchanged() -> None:
    assert split_html("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]


def test_long_reply_splits_at_paragraphs() -> None:
    paragraphs = [f"<b>Part {i}</b>\n" + ("word &amp; " * 150).strip() for i in range(12)]
    text = "\n\n".join(paragraphs)
    parts = split_html(text)
    assert len(parts) > 1
    texts = check_parts(parts, text)
    assert all(t.endswith("\n\n") for t in texts[:-1])  # cut only between paragraphs
    assert all(part.startswith("<b>Part") for part in parts)


def test_tags_spanning_a_cut_are_closed_and_reopened() -> None:
    quote = "<blockquote>" + " ".join(f"sentence{i} 😀 &lt;x&gt;" for i in range(900)) + "</blockquote>"
    link = '<a href="https://example.org/?a=1&amp;b=2">' + "link " * 1000 + "</a>"
    text = f"{quote}\n{link}"
    parts = split_html(text)
    check_parts(parts, text)
    assert all(p.count("<blockquote>") == p.count("</blockquote>") for p in parts)
    for part in parts:
        _, entities = parse_telegram_html(part)
        urls = {e.get("url") for e in entities if e["type"] == "text_link"}
        assert urls <= {"https://example.org/?a=1&b=2"}


def test_no_spaces_at_all_still_splits_between_characters_not_inside_entities() -> None:
    text = "&amp;" * 5000 + "😀" * 3000
    check_parts(split_html(text), text)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["rare", " ", "\n", "\n\n", "😀", "&amp;", "&lt;b&gt;", "<b>bold words</b>", "é", "x" * 30]
        ),
        min_size=1,
        max_size=200,
    ),
    st.integers(min_value=8, max_value=120),
    st.booleans(),
)
def test_split_property(pieces: list[str], limit: int, wrap: bool) -> None:
    text = "".join(pieces)
    if wrap:
        text = f'<i>{text}<a href="https://x.org">end</a></i>'
    if not plain(text).strip():
        return
    parts = split_html(text, limit)
    texts = [parse_telegram_html(p)[0] for p in parts]
    assert all(0 < utf16_len(t) <= limit and t.strip() for t in texts)
    # Only whitespace that would make a part of its own is lost (Telegram refuses those):
    # trailing whitespace, or a run of whitespace longer than a part.
    joined, original = "".join(texts), plain(text)
    if not re.search(rf"\s{{{limit},}}", original):
        assert original.startswith(joined) and joined.startswith(original.rstrip())
    assert joined.split() == original.split()


def answer_reply(**changes: object) -> Reply:
    reply = Reply(
        ReplyKind.ANSWER,
        "From the page on Tietze <syndrome>:",
        excerpts=[Excerpt(("Rest & ibuprofen <may> help.", "Pain improves."), CITE)],
        other_names=["Costochondral <junction> syndrome"],
        notice="Not medical advice.",
        can_forward=True,
        has_more=True,
    )
    for key, value in changes.items():
        setattr(reply, key, value)
    return reply


def test_reply_is_escaped_cited_and_gets_buttons() -> None:
    rendered = render_reply(answer_reply(), "ab12cd34")
    [part] = rendered.parts
    text, entities = parse_telegram_html(part)
    assert "From the page on Tietze <syndrome>:" in text
    assert "Rest & ibuprofen <may> help. … Pain improves." in text
    assert "Costochondral <junction> syndrome" in text
    [link] = [e for e in entities if e["type"] == "text_link"]
    assert link["url"] == CITE.url
    assert text[link["offset"] : link["offset"] + link["length"]] == CITE.title
    data = [b.data for row in rendered.buttons for b in row]
    assert data == ["fb:ab12cd34:1", "fb:ab12cd34:0", "more:ab12cd34"]


def test_abstain_and_choose_buttons() -> None:
    abstain = Reply(ReplyKind.ABSTAIN, "No page answers this.", can_forward=True)
    assert [b.data for row in render_reply(abstain, "t").buttons for b in row] == ["ask:t"]
    choose = Reply(
        ReplyKind.CHOOSE,
        "Which one?",
        choices=[Choice("0004451", "Usher syndrome type 1"), Choice("9", "X" * 200)],
        can_forward=True,
    )
    rendered = render_reply(choose, "t")
    assert [b.data for row in rendered.buttons for b in row] == ["c:t:0", "c:t:1", "ask:t"]
    assert all(len(b.text) <= 60 for row in rendered.buttons for b in row)
    assert "1. Usher syndrome type 1" in plain(rendered.parts[0])
    smalltalk = Reply(ReplyKind.SMALLTALK, "Hello!")
    assert render_reply(smalltalk, "-").buttons == []


def test_huge_reply_splits_with_buttons_on_the_last_part_only() -> None:
    excerpts = [Excerpt((f"Sentence {i} " * 120,), CITE) for i in range(8)]
    reply = answer_reply(excerpts=excerpts)
    rendered = render_reply(reply, "t")
    assert len(rendered.parts) > 1
    check_parts(rendered.parts, reply_html(reply))
    payloads = rendered.payloads()
    assert [("buttons" in p) for p in payloads] == [False] * (len(payloads) - 1) + [True]


def test_callback_data_over_64_bytes_is_refused() -> None:
    assert callback("fb", "ab12cd34", 1) == "fb:ab12cd34:1"
    with pytest.raises(ValueError):
        callback("c", "é" * 40)


def test_ticket_for_staff_shows_first_name_question_and_pages_only() -> None:
    ticket = Ticket(
        n=7,
        user_id=123456789,
        chat_id=123456789,
        first_name="<Ann>",
        question="Is <b>this</b> & that rare?",
        disease=None,
        candidates=[{"title": "Tietze syndrome", "url": CITE.url, "section": "Treatment"}],
        status="open",
        created_at=0.0,
    )
    [part] = render_ticket(ticket).parts
    text, entities = parse_telegram_html(part)
    assert "Question #7 from <Ann>" in text and "Is <b>this</b> & that rare?" in text
    assert "123456789" not in part
    assert [e["url"] for e in entities if e["type"] == "text_link"] == [CITE.url]


def test_user_of_key() -> None:
    assert user_of_key("tg:1001") == 1001
    assert user_of_key("tg:1001:buttons") == 1001
    assert user_of_key("tg:-100500:1001") == 1001
    assert user_of_key("tg:-100500:1001:buttons") == 1001
    assert user_of_key("tg:-100500") is None
    assert user_of_key("console") is None


def test_rate_limiter_warns_once_then_drops_until_the_window_passes(tmp_path) -> None:
    now = [0.0]
    with SQLiteStore(tmp_path / "bot.sqlite3") as store:
        limiter = RateLimiter(store, 2, 60, clock=lambda: now[0])
        assert [limiter.check(1) for _ in range(4)] == ["ok", "ok", "warn", "drop"]
        assert limiter.check(2) == "ok"
        now[0] = 61
        assert limiter.check(1) == "ok"
        store.forget_user(2)
        assert [limiter.check(2), limiter.check(2), limiter.check(2)] == ["ok", "ok", "warn"]


def test_log_redaction_removes_the_token_from_messages_and_tracebacks() -> None:
    token = "4242:AAsecret"
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "url %s", (f"/bot{token}/x",), (type(exc), exc, None)
        )
    assert RedactSecrets(token).filter(record)
    out = logging.Formatter().format(record)
    assert token not in out and "<token>" in out
