"""A name made of a condition's own words and a head word (Linker._term_of_its_own): GARD has
"Retinitis pigmentosa syndrome" as a synonym of RHYNS syndrome, and no page on retinitis
pigmentosa. A question that leaves the head word out names the condition other pages' names list
as an item, not the page; one whose words no other name lists still names the page. A letter
alone, its head word left out, names nothing ("H. capsulatum" is no "H syndrome")."""

from __future__ import annotations

import pytest
from corpus_fixture import corpus_searcher, named_page

from retrieval.linking import _lists_as_item
from retrieval.search import Outcome, Searcher

PAGES = [
    named_page("0000001", "RHN syndrome", ("Pigmentary retinitis syndrome",)),
    named_page("0000002", "Pigmentary retinitis, deafness, and hypogonadism"),
    named_page("0000003", "Ataxia with pigmentary retinitis"),
    named_page("0000004", "Kleine Levin syndrome"),
    named_page("0000005", "Orlen syndrome"),
    named_page("0000006", "Histiocytosis lymphadenopathy plus syndrome", ("H syndrome",)),
    # many names end in "syndrome", as in GARD: leaving it out costs a name little of its weight
    *(
        named_page(f"{100 + n:07d}", f"{eponym} syndrome")
        for n, eponym in enumerate(
            "Abbot Barrow Cadell Dunmore Elstree Farrant Garside Hollis Ingram Jessop Kendrew Lowther "
            "Marwick Norbury Oakley Pardoe Quayle Rendle Satterly Tredwell".split()
        )
    ),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return corpus_searcher(tmp_path_factory, PAGES, "term")


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("Pigmentary retinitis, deafness, and hypogonadism", True),  # first, before a comma
        ("Ataxia with pigmentary retinitis", True),  # last, after "with"
        ("Deafness and pigmentary retinitis and diabetes", True),  # between "and"s
        ("Neuropathy ataxia pigmentary retinitis syndrome", False),  # part of a longer name
    ],
)
def test_a_name_lists_the_words_as_an_item(name: str, listed: bool) -> None:
    assert _lists_as_item(name, ["pigmentary", "retinitis"]) is listed


def test_the_words_other_names_list_name_no_page(searcher: Searcher) -> None:
    result = searcher.search("How many people have pigmentary retinitis?")
    assert result.outcome is Outcome.NO_PAGE and result.missing == "pigmentary retinitis"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What is pigmentary retinitis syndrome?", "RHN syndrome"),  # the head word typed: the synonym
        ("Is kleine levin inherited?", "Kleine Levin syndrome"),  # no other name lists "kleine levin"
    ],
)
def test_a_name_still_links_with_its_head_word_or_words_no_other_name_lists(
    searcher: Searcher, question: str, title: str
) -> None:
    result = searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease is not None and result.disease.title == title


def test_a_letter_alone_names_nothing_without_its_head_word(searcher: Searcher) -> None:
    assert searcher.search("Can I be infected again by H. capsulatum fungus?").disease is None
    spelt = searcher.search("What is H syndrome?")
    assert spelt.disease is not None and spelt.disease.title == "Histiocytosis lymphadenopathy plus syndrome"
