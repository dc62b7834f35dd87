"""Excerpts of a flattened phenotype table: a short list of its features in the page's words,
each an exact substring of the page, or the prose beside it; never the raw table."""

from __future__ import annotations

from conftest import needs_shared

from answers.compose import Composer
from answers.reply import TABLE_HEADER
from corpus.boilerplate import template_key
from corpus.models import Passage

INTRO = "The Human Phenotype Ontology provides the following list of signs and symptoms for Orlen syndrome."
TABLE = (
    f"Signs and Symptoms {TABLE_HEADER} Abnormality of the teeth 90% Sparse scalp hair 90% "
    "Thin nails 50% Chest pain 7.5% Dry skin 7.5% Conductive hearing impairment - Deeply set eye - "
    "Autosomal recessive inheritance - Hypohidrosis - Short stature - Sparse eyebrow - Xerostomia - "
    "The Human Phenotype Ontology (HPO) has collected information on how often a sign or symptom "
    "occurs in a condition."
)
PROSE = "Orlen syndrome mainly affects the hair, the nails and the teeth from early childhood."


def passage(text: str) -> Passage:
    return Passage(
        "GARD-1-2-0", "GARD", "2_GARD_QA", "1", "1-2", "symptoms", "Orlen syndrome",
        "https://rarediseases.info.nih.gov/gard/1/orlen-syndrome", (), "What are the symptoms?", text,
    )  # fmt: skip


def composer() -> Composer:
    """A composer that knows the HPO sentence before each table as site boilerplate, as the
    index finds it on GARD pages."""
    return Composer(boilerplate={template_key(INTRO, ("Orlen syndrome",))}, idf={})


def test_a_table_is_a_short_list_of_its_features():
    page = passage(f"{INTRO} {TABLE}")
    excerpt = composer().excerpt(page, "What are the symptoms of Orlen syndrome?", 900)
    assert excerpt is not None and excerpt.listed
    assert all(part in page.text for part in excerpt.parts)
    assert excerpt.parts[:3] == ("Abnormality of the teeth", "Sparse scalp hair", "Thin nails")
    assert len(excerpt.parts) == 8 and excerpt.truncated_end  # a short list, and more are left
    assert not any("%" in part or part.endswith(" -") or TABLE_HEADER in part for part in excerpt.parts)
    assert "Autosomal recessive inheritance" not in excerpt.parts  # a mode of inheritance is no feature
    assert excerpt.display.splitlines()[0] == "• Abnormality of the teeth"


def test_the_features_the_question_names_come_first():
    page = passage(f"{INTRO} {TABLE}")
    excerpt = composer().excerpt(page, "Can Orlen syndrome cause xerostomia?", 900)
    assert excerpt is not None and "Xerostomia" in excerpt.parts


def test_prose_beside_a_table_is_quoted_instead():
    page = passage(f"{PROSE} {TABLE}")
    excerpt = composer().excerpt(page, "What are the symptoms of Orlen syndrome?", 900)
    assert excerpt is not None and not excerpt.listed and excerpt.parts == (PROSE,)


def test_a_passage_that_starts_inside_a_table_drops_its_first_name():
    """Passages are cut by word count: "regurgitation" may be the end of "Aortic regurgitation"."""
    text = "regurgitation - Aortic root dilatation - Cataract - Deeply set eye - High palate - Myopia 50%"
    excerpt = composer().excerpt(passage(text), "What are the symptoms of Orlen syndrome?", 900)
    assert excerpt is not None and excerpt.listed
    assert excerpt.parts == ("Aortic root dilatation", "Cataract", "Deeply set eye", "High palate", "Myopia")


@needs_shared
def test_no_gard_table_is_quoted_raw(gard_searcher):
    """Every passage of a GARD page that holds a phenotype table: its excerpt is a list of exact
    substrings of the page, or prose without the table."""
    from answers.engine import Engine

    engine = Engine(gard_searcher)
    tables = [p for p in gard_searcher.index.passages if TABLE_HEADER in p.text or " - " in p.text[:200]]
    listed = 0
    for page in tables:
        excerpt = engine.composer.excerpt(page, f"What are the symptoms of {page.title}?", 950)
        if excerpt is None:
            continue
        assert all(part and part in page.text for part in excerpt.parts)
        if excerpt.listed:
            listed += 1
            assert all(len(part.split()) <= 10 and "%" not in part for part in excerpt.parts)
        else:
            assert not any(TABLE_HEADER in part for part in excerpt.parts), page.passage_id
    assert listed > 1000
