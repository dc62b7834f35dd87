""" "Did you mean": a page offered for one tap (Linker.to_confirm, Searcher), never linked
silently and never refused, when a name is typed too far from the page's to link, or matches a
synonym the page's title doesn't show. "yes" or the number takes it (Engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_shared
from corpus_fixture import named_page, write_corpus

from answers import messages
from answers.engine import Engine
from answers.reply import ReplyKind
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Outcome, Searcher


def page(doc_id: str, title: str, synonyms: tuple[str, ...] = ()) -> dict:
    return named_page(doc_id, title, synonyms, section="causes")


PAGES = [
    page("0000001", "Multiple myeloma", ("Kahler disease", "Plasma cell myeloma")),
    page("0000002", "Guillain-Barre syndrome"),
    page("0000003", "Sarcoidosis", ("Schaumann's disease",)),
    page("0000004", "Tietze syndrome"),
    page("0000005", "Transposition of the great vessels", ("TGV",)),
    page("0000006", "Familial episodes of ataxia"),  # "episodes" is a name word, as in GARD
    page("0000007", "Prosthetic joint infection", ("Osteomyelitis",)),  # its text never says it
    page("0000008", "Adiposis dolorosa", ("Dercum",)),  # named nowhere else: another name
    page("0000009", "Alveolar rhabdomyosarcoma", ("ARMS",)),  # an abbreviation others spell as a word
] + [  # twenty other pages name osteomyelitis as a condition of their own, and the arms
    {
        **page(f"00001{n:02d}", f"Bone dysplasia type {n}"),
        "sections": [
            (
                "symptoms",
                f"What are the symptoms of Bone dysplasia type {n} ?",
                f"People with bone dysplasia type {n} may get osteomyelitis in the {n}th rib.",
            )
        ],
    }
    for n in range(20)
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root: Path = write_corpus(tmp_path_factory.mktemp("dym-corpus"), PAGES)
    return Searcher(open_index(CorpusSelection(root), tmp_path_factory.mktemp("dym-index"), progress=False))


@pytest.mark.parametrize(
    ("question", "outcome", "title"),
    [
        # Too far off to link, but all of the name is there: asked, not refused.
        ("what causes gillian barre syndrome", Outcome.DID_YOU_MEAN, "Guillain-Barre syndrome"),
        ("What is sarkoidoses?", Outcome.DID_YOU_MEAN, "Sarcoidosis"),
        # One letter from a synonym the title doesn't show: asked, not linked silently.
        ("What is Kohler disease?", Outcome.DID_YOU_MEAN, "Multiple myeloma"),
        # Spelt as the page spells it, or one slip from its title: answered.
        ("What is Kahler disease?", Outcome.ANSWER, "Multiple myeloma"),
        ("What causes Guillain-Barre syndrome?", Outcome.ANSWER, "Guillain-Barre syndrome"),
        ("What causes Tietze syndrom?", Outcome.ANSWER, "Tietze syndrome"),
        # A one-word synonym the page's text never uses and twenty others name: a broader term,
        # asked (Searcher._broad_synonym); one named nowhere else is another name, answered, and
        # so is an abbreviation, whatever word it spells.
        ("Tell me about osteomyelitis.", Outcome.DID_YOU_MEAN, "Prosthetic joint infection"),
        ("Tell me about Dercum.", Outcome.ANSWER, "Adiposis dolorosa"),
        ("I was just diagnosed with ARMS. What should I know?", Outcome.ANSWER, "Alveolar rhabdomyosarcoma"),
        # An abbreviation typed whole after lower-case words that name nothing: asked, as the
        # asker may mean another condition of that abbreviation (Linker.glued_to_abbreviation).
        (
            "How often does a person have repeated episodes of TGV?",
            Outcome.DID_YOU_MEAN,
            "Transposition of the great vessels",
        ),
    ],
)
def test_did_you_mean(searcher: Searcher, question: str, outcome: Outcome, title: str) -> None:
    result = searcher.search(question)
    assert result.outcome is outcome, (result.reason, result.link)
    page = result.choices[0] if outcome is Outcome.DID_YOU_MEAN else result.disease
    assert page is not None and searcher.title(page.doc_id) == title
    assert result.to_json()["outcome"] == str(outcome)


def test_an_abbreviation_the_question_defines_otherwise_is_not_offered(searcher: Searcher) -> None:
    result = searcher.search("Can this be done through tiny great vessels (TGV)?")
    assert result.outcome is not Outcome.DID_YOU_MEAN and result.disease is None


@pytest.mark.parametrize("taken_by", ["yes", "1"])
def test_the_offer_is_one_tap_away(searcher: Searcher, taken_by: str) -> None:
    engine = Engine(searcher)
    offer = engine.reply("chat", "what causes gillian barre syndrome")
    assert offer.kind is ReplyKind.CHOOSE and offer.can_forward
    assert offer.message == messages.DID_YOU_MEAN.format(
        asked="gillian barre syndrome", title="Guillain-Barre syndrome"
    )
    assert [c.title for c in offer.choices] == ["Guillain-Barre syndrome"]
    answer = engine.reply("chat", taken_by)
    assert answer.answered and answer.disease == "Guillain-Barre syndrome"
    assert answer.excerpts[0].citation.section == "Causes"


def test_a_name_typed_with_capitals_two_edits_off_is_another_disease(searcher: Searcher) -> None:
    """ "Scheuermann disease" is a disease of its own, not a slip for "Schaumann's disease"."""
    result = searcher.search("What causes Scheuermann disease?")
    assert result.outcome is Outcome.NO_PAGE and result.missing == "Scheuermann disease"


@needs_shared
@pytest.mark.parametrize(
    ("question", "outcome", "asked", "title"),
    [
        # The whole name typed with one long word slipped and the asker's words around it, which
        # the link model counts against it: asked, as a name spelt right would be read there,
        # saying the name as typed, not the words after it (Linker.to_confirm).
        (
            "Are there new treatments for pityriasis licheonides besides steroids?",
            Outcome.DID_YOU_MEAN,
            "pityriasis licheonides",
            "Pityriasis lichenoides",
        ),
        # ... not when the slip changes a first letter or an abbreviation: FRAXE is no FRAXA.
        (
            "Please tell me about Fragile XE (FRAXE) syndrome.",
            Outcome.NO_PAGE,
            "Fragile XE (FRAXE) syndrome",
            "",
        ),
    ],
)
def test_a_slip_in_a_whole_name_is_asked(
    gard_searcher: Searcher, question: str, outcome: Outcome, asked: str, title: str
) -> None:
    result = gard_searcher.search(question)
    assert (result.outcome, result.missing) == (outcome, asked)
    assert not title or gard_searcher.title(result.choices[0].doc_id) == title
