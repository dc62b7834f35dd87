"""Types of a condition that pages share a name for (GARD's "Spinocerebellar ataxia" is a synonym
of each numbered type's page): "type 3" asks for the page titled "... 3", and a type no page has
is offered the pages on the other types, never "no page" and never one type silently
(Linker.adds_a_type, Linker._keyword_of, Searcher._link)."""

from __future__ import annotations

import pytest
from corpus_fixture import corpus_searcher, named_page

from answers.engine import Engine
from answers.reply import ReplyKind
from retrieval.linking import Linker, Mention
from retrieval.search import Outcome, Searcher

SHARED = ("Spinocardiac ataxia", "Hereditary ataxia")
PAGES = [
    named_page("0000001", "Spinocardiac ataxia 1", ("SCX1", *SHARED)),
    named_page("0000002", "Spinocardiac ataxia 2", ("SCX2", *SHARED)),
    named_page("0000003", "Spinocardiac ataxia 3", ("SCX3", *SHARED)),
    named_page("0000004", "Kleine Levin syndrome"),
    named_page("0000005", "Bannayan syndrome"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return corpus_searcher(tmp_path_factory, PAGES, "types")


@pytest.mark.parametrize(
    "question",
    [
        "Is there a cure for spinocardiac ataxia type 2?",  # "type" before the title's number
        "Is there a cure for spinocardiac ataxia 2?",
    ],
)
def test_a_type_the_title_numbers_links_to_it(searcher: Searcher, question: str) -> None:
    result = searcher.search(question)
    assert result.outcome is Outcome.ANSWER
    assert result.disease is not None and result.disease.title == "Spinocardiac ataxia 2"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Is there a cure for spinocardiac ataxia 7?", "spinocardiac ataxia 7"),
        ("What is spinocardiac ataxia type 7?", "spinocardiac ataxia type 7"),
    ],
)
def test_a_type_no_page_has_offers_the_other_types(searcher: Searcher, question: str, asked: str) -> None:
    result = searcher.search(question)
    assert result.outcome is Outcome.CHOICE and result.other_type == asked
    assert {c.title for c in result.choices} == {f"Spinocardiac ataxia {n}" for n in (1, 2, 3)}


def test_the_reply_says_no_page_on_the_type_specifically(searcher: Searcher) -> None:
    reply = Engine(searcher).reply("c", "Is there a cure for spinocardiac ataxia 7?")
    assert reply.kind is ReplyKind.CHOOSE and len(reply.choices) == 3
    assert reply.message.startswith("I have no GARD page on spinocardiac ataxia 7 specifically.")
    assert "other types of Spinocardiac ataxia" in reply.message


@pytest.mark.parametrize(
    ("typed", "adds"),
    [
        ("spinocardiac ataxia 7", True),
        ("spinocardiac ataxia type 7", True),
        ("spinocardiac ataxia type", False),  # the keyword alone names no type
        ("spinocardiac ataxia kleinfeld", False),  # a name added, not a type
    ],
)
def test_a_mention_adds_a_type(searcher: Searcher, typed: str, adds: bool) -> None:
    words = tuple(typed.split())
    mention = Mention(0, len(words), words, typed, True, False)
    assert searcher.linker.adds_a_type("Spinocardiac ataxia", mention) is adds


@pytest.mark.parametrize(
    ("title", "typed"),
    [("Spinocardiac ataxia 10", True), ("Spinocardiac ataxia type B", True), ("Haw River ataxia", False)],
)
def test_a_title_is_a_type_of_a_name(title: str, typed: bool) -> None:
    assert Linker.a_type_of(title, "Spinocardiac ataxia") is typed
