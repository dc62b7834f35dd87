"""Disputed gold in the real-question eval (evaluation.evaluate.gold_inside): the real dev set's
gold names were found by string matching, so a "no page" reply whose name holds the gold name
inside a longer one, or spells the gold abbreviation out as something else, is counted apart.
Also the ways the named rows are written otherwise (REWRITES)."""

from __future__ import annotations

import pytest

from evaluation.evaluate import gold_inside, in_british_spelling, in_chat_shorthand, with_a_slip


@pytest.mark.parametrize(
    ("gold_name", "missing", "question", "disputed"),
    [
        # an eponym before it makes another disease's name
        ("Ruvalcaba syndrome", "Bannayan-Riley-Ruvalcaba syndrome", "How rare is BRRS?", True),
        # a head word after it does
        ("Clubfoot", "clubfoot syndrome", "Is clubfoot syndrome inherited?", True),
        # the question spells the abbreviation out as another thing
        ("IVF", "in vitro fertilization", "Can this be done through in vitro fertilization (IVF)?", True),
        # ... typed without brackets or capitals
        ("IVF", "in vitro fertilization", "can this be done through in vitro fertilization (ivf)?", True),
        ("IVF", "in vitro fertilization", "Can this be done through in vitro fertilization IVF", True),
        # the gold name alone, or another name: no dispute
        ("Ruvalcaba syndrome", "Ruvalcaba syndrome", "What is Ruvalcaba syndrome?", False),
        ("Turner syndrome", "Noonan syndrome", "Is Noonan syndrome like Turner syndrome?", False),
        ("IVF", "ventricular fibrillation", "Is IVF inherited?", False),
    ],
)
def test_gold_inside(gold_name: str, missing: str, question: str, disputed: bool) -> None:
    assert gold_inside(gold_name, missing, question) is disputed


@pytest.mark.parametrize(
    ("row", "rewritten"),
    [
        (
            {"question": "Is Joubert syndrome inherited?", "gold_name": "Joubert syndrome"},
            "Is Joubert syndorme inherited?",
        ),
        ({"question": "What is FOP?", "gold_name": "FOP"}, "What is FOP?"),  # no word long enough
        ({"question": "What is FOP?"}, "What is FOP?"),  # an unnamed row
    ],
)
def test_with_a_slip(row: dict, rewritten: str) -> None:
    assert with_a_slip(row) == rewritten


def test_in_british_spelling() -> None:
    """American letters as someone from the UK types them; "chemotherapy" keeps its "hem"."""
    assert in_british_spelling("Is hemorrhagic anemia a tumor? Chemotherapy?") == (
        "Is haemorrhagic anaemia a tumour? Chemotherapy?"
    )


def test_in_chat_shorthand() -> None:
    assert in_chat_shorthand("Could you please tell me about X, including treatment?") == (
        "Could u pls tell me abt X,including treatment?"
    )
