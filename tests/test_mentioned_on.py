"""A disease with no page of its own that other pages name in their text (retrieval.search.
mentioning): "I have no GARD page on X, but these pages mention it", offered as choices, never
answered from without a pick."""

from __future__ import annotations

import pytest
from conftest import needs_shared

from answers import messages
from answers.reply import ReplyKind
from corpus.models import Passage
from corpus.published import STAFF_KIND
from retrieval.search import Ranked, mentioning


def ranked(doc_id: str, text: str, kind: str = "") -> Ranked:
    passage = Passage(
        f"GARD-{doc_id}-1-0", "GARD", "2_GARD_QA", doc_id, f"{doc_id}-1", "information", f"Page {doc_id}",
        f"https://rarediseases.info.nih.gov/gard/{doc_id}/page", (), "What is it?", text, kind=kind or "page",
    )  # fmt: skip
    return Ranked(passage, 1.0)


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("It is part of a spectrum that also includes Orlen-Baxter syndrome.", "", True),
        ("It is part of a spectrum that also includes Orlen Baxter syndrome.", "", True),  # space for hyphen
        ("ORLEN-BAXTER SYNDROME is related.", "", True),  # any case
        ("Orlen-Baxter's syndrome is related.", "", True),  # possessive or not
        ("Orlen-Baxterish syndrome is another.", "", False),  # whole words only
        ("Baxter syndrome and Orlen disease are others.", "", False),  # its words, in its order
        ("Orlen-Baxter syndrome was asked about.", STAFF_KIND, False),  # a staff answer is no page
    ],
)
def test_a_page_mentions_a_name_by_its_whole_words_in_order(text, kind, found):
    assert bool(mentioning("Orlen-Baxter syndrome", [ranked("1", text, kind)])) is found


def test_each_page_once_best_first_and_at_most_three():
    pages = [ranked(str(n), "See Orlen-Baxter syndrome.") for n in (5, 5, 3, 1, 2)]
    assert mentioning("Orlen-Baxter syndrome", pages) == ("5", "3", "1")


@needs_shared
def test_a_disease_without_a_page_offers_the_pages_that_name_it(gard_engine):
    reply = gard_engine.reply("m", "What is Bannayan-Riley-Ruvalcaba syndrome?")
    assert reply.kind is ReplyKind.CHOOSE and reply.reason == "no_page" and reply.can_forward
    assert reply.message == messages.NO_PAGE_MENTIONED.format(name="Bannayan-Riley-Ruvalcaba syndrome")
    assert [c.title for c in reply.choices] == ["Cowden syndrome"]
    assert not reply.excerpts  # nothing quoted before the pick
    picked = gard_engine.reply("m", "1")
    assert picked.excerpts and picked.excerpts[0].citation.title == "Cowden syndrome"
    assert "Bannayan-Riley-Ruvalcaba syndrome" in picked.excerpts[0].text


@needs_shared
def test_a_disease_no_page_names_is_still_no_page(gard_engine):
    reply = gard_engine.reply("n", "Is Melkersson-Rosenthal syndrome inherited?")
    assert reply.kind is ReplyKind.ABSTAIN and not reply.choices
    assert reply.message == messages.NO_PAGE.format(name="Melkersson-Rosenthal syndrome")
