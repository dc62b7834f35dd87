"""Long forms of the abbreviations pages define (Schwartz & Hearst), where the rule lives."""

import pytest

from retrieval.abbreviations import find_abbreviations, spelt_out_before


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("Benign rolandic epilepsy (BRE) is common.", ("BRE", "Benign rolandic epilepsy")),
        # the shortest spelling starts on "the": the name starts on the content word before it
        (
            "Transposition of the great arteries (TGA) is a heart defect.",
            ("TGA", "Transposition of the great arteries"),
        ),
        # a function word with no content word before it that has the letter: left as found
        ("It affects the great arteries (TGA) in some.", ("TGA", "the great arteries")),
    ],
)
def test_long_form(text, pair):
    assert pair in list(find_abbreviations(text))


@pytest.mark.parametrize(
    ("words", "at", "long"),
    [
        # one word per letter, right before it: a question's definition without brackets
        (["through", "in", "vitro", "fertilization", "ivf"], 4, "in vitro fertilization"),
        (
            ["hereditary", "hemorrhagic", "telangiectasia", "hht", "found"],
            3,
            "hereditary hemorrhagic telangiectasia",
        ),
        # anything else is no definition
        (["my", "son", "has", "ivf"], 3, None),
        (["in", "vitro", "ivf"], 2, None),
        (["type", "1", "t1"], 2, None),
    ],
)
def test_spelt_out_before(words: list[str], at: int, long: str | None) -> None:
    assert spelt_out_before(words, at) == long
