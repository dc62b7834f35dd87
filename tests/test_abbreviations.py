"""Long forms of the abbreviations pages define (Schwartz & Hearst), where the rule lives."""

import pytest

from retrieval.abbreviations import find_abbreviations


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
