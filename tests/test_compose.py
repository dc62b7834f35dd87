"""Excerpts of a flattened phenotype table: a short list of its features in the page's words,
each an exact substring of the page, or the prose beside it; never the raw table."""

from __future__ import annotations

import pytest
from conftest import needs_shared

from answers.compose import MAX_GAP_CHARS, Candidate, Composer, _close_gaps
from answers.reply import TABLE_HEADER, Citation, Excerpt
from corpus.boilerplate import template_key
from corpus.models import Passage
from retrieval.ask import Ask, read_ask

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


# --- sentences, not sections (issue 17) --------------------------------------------------------


def section(qid: str, qtype: str, text: str) -> Passage:
    return Passage(
        f"GARD-1-{qid}-0", "GARD", "2_GARD_QA", "1", f"1-{qid}", qtype, "Orlen syndrome",
        "https://rarediseases.info.nih.gov/gard/1/orlen-syndrome", (), f"{qtype}?", text,
    )  # fmt: skip


PAGE = [
    section("1", "information", "Orlen syndrome is a rare condition of the hair and nails. It starts in childhood."),
    section(
        "2", "symptoms",
        "Most children have sparse hair. Some develop kidney stones in their teens. The nails are thin.",
    ),
    section("3", "treatment", "Treatment is symptomatic. Kidney stones are removed as in other people."),
    section("4", "information", "Orlen syndrome is a rare condition of the hair and nails. It starts in childhood."),
]  # fmt: skip


def test_the_sentences_that_carry_the_ask_come_from_any_section_in_page_order():
    ask = read_ask("Can Orlen syndrome cause kidney stones?", ["Orlen syndrome"])
    carried = composer().carrying(
        PAGE, ask, "Can Orlen syndrome cause kidney stones?", {"symptoms": 1.0}, 900
    )
    assert carried.found
    quoted = [part for e in carried.excerpts for part in e.parts]
    assert quoted == [
        "Some develop kidney stones in their teens.",
        "Kidney stones are removed as in other people.",
    ]
    assert [e.citation.section for e in carried.excerpts] == ["Symptoms", "Treatment"]
    assert not any(e.truncated_end for e in carried.excerpts)  # whole sentences
    assert all(
        part in p.text for e, p in zip(carried.excerpts, carried.used, strict=True) for part in e.parts
    )


def test_a_repeated_sentence_is_quoted_once():
    ask = Ask(relation="linked", target="childhood", terms=("childhood",))
    carried = composer().carrying(PAGE, ask, "childhood", {}, 900)
    quoted = [part for e in carried.excerpts for part in e.parts]
    assert quoted == ["It starts in childhood."]  # the repeated overview, once (MMR)


def test_nothing_carries_an_ask_the_page_lacks():
    ask = read_ask("Is Orlen syndrome contagious?", ["Orlen syndrome"])
    carried = composer().carrying(PAGE, ask, "Is Orlen syndrome contagious?", {}, 900)
    assert not carried.found and not carried.excerpts


def test_a_tables_features_that_carry_the_ask_come_as_a_list():
    page = [passage(f"{INTRO} {TABLE}")]
    ask = read_ask("Can Orlen syndrome cause chest pain?", ["Orlen syndrome"])
    carried = composer().carrying(page, ask, "Can Orlen syndrome cause chest pain?", {}, 900)
    assert carried.found and carried.excerpts[0].listed and carried.excerpts[0].parts == ("Chest pain",)
    deadly = [passage(f"{INTRO} {TABLE.replace('Dry skin 7.5%', 'Sudden death 7.5%')}")]
    fatal = composer().carrying(deadly, Ask(attribute="life expectancy"), "How long do they live?", {}, 900)
    assert not fatal.excerpts  # a feature answers what it causes, not an attribute


def test_a_tables_feature_names_no_signs_of_it():
    """ "Chest pain" in a table says the disease causes it, nothing of what chest pain's signs are."""
    page = [passage(f"{INTRO} {TABLE}")]
    question = "What are the early signs of chest pain in Orlen syndrome?"
    ask = read_ask(question, ["Orlen syndrome"])
    assert ask.relation == "signs of"
    assert not composer().carrying(page, ask, question, {}, 900).excerpts


@needs_shared
def test_sentences_carrying_an_ask_are_verbatim_on_every_gard_page(gard_searcher):
    """Every GARD page, asked a few asks: every quoted part is an exact substring of its cited
    passage, made of whole sentences (or a table's feature names), never cut."""
    from answers.engine import Engine
    from corpus.sentences import sentence_spans

    engine = Engine(gard_searcher)
    asks = [
        Ask(attribute="life expectancy"),
        Ask(attribute="frequency"),
        Ask(attribute="medication"),
        Ask(attribute="cure", yes_no=True),
        Ask(relation="causes", target="pain", terms=("pain",)),
    ]
    by_doc: dict[str, list[Passage]] = {}
    for p in gard_searcher.index.passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    quoted = 0
    for page in by_doc.values():
        for ask in asks:
            carried = engine.composer.carrying(page, ask, "?", {}, 950)
            for excerpt, passage in zip(carried.excerpts, carried.used, strict=True):
                assert excerpt.citation.passage_id == passage.passage_id
                starts = {a for a, _ in sentence_spans(passage.text)}
                for part in excerpt.parts:
                    assert part and part in passage.text, passage.passage_id
                    assert excerpt.listed or passage.text.index(part) in starts
                assert not excerpt.truncated_end or excerpt.listed
                quoted += 1
    assert quoted > 1000


def test_a_sentence_naming_the_ask_in_passing_is_left_out():
    """Both sentences name kidney stones; only the one that also says what was asked about
    them (in the teens, in the section the question prefers) is kept when the other scores
    well below it."""
    from retrieval.policy import AnswerPolicy

    question = "Can Orlen syndrome cause kidney stones in their teens?"
    ask = read_ask(question, ["Orlen syndrome"])
    strict = AnswerPolicy(min_relative=0.9)
    carried = composer().carrying(PAGE, ask, question, {"symptoms": 1.0}, 900, policy=strict)
    quoted = [part for e in carried.excerpts for part in e.parts]
    assert quoted == ["Some develop kidney stones in their teens."]


def test_a_named_treatment_is_answered_where_the_page_treats():
    ask = read_ask("Does physical therapy help Orlen syndrome?", ["Orlen syndrome"])
    causes = section("5", "causes", "Physical therapy after an injury may play a role in the cause.")
    treats = section("6", "treatment", "Physical therapy eases the swelling.")
    both = composer().carrying([causes, treats], ask, "Does physical therapy help?", {}, 900)
    assert [p for e in both.excerpts for p in e.parts] == ["Physical therapy eases the swelling."]
    only = composer().carrying([causes], ask, "Does physical therapy help?", {}, 900)
    assert both.direct
    # all the page says of it: quoted, as what the page does say, not as the answer
    assert only.found and only.excerpts and not only.direct


def test_a_pointer_to_another_site_is_never_quoted():
    """ "Click here" and web addresses lead nowhere once quoted: the excerpt keeps the sentence
    that says something, and a passage of pointers alone has nothing worth quoting."""
    said = "Orlen syndrome is diagnosed by an eye exam."
    text = (
        f"{said} To read more about the exam, click here. See www.example.org/orlen for a list. "
        'Click on "Research" next to each type to see the laboratories.'
    )
    excerpt = composer().excerpt(passage(text), "How is Orlen syndrome diagnosed?", 900)
    assert excerpt is not None and excerpt.parts == (said,)
    links = passage("You can find further information at the following links to MedlinePlus.gov.")
    assert composer().excerpt(links, "How is Orlen syndrome treated?", 900) is None
    assert not composer().quotable(links)


def test_a_sentence_whose_antecedent_is_in_the_passage_before_waits_for_it():
    """A passage that continues a section may open with a sentence that needs the one before it
    ("Two classifications ... have been recognized." ends the passage before): it is quoted only
    when nothing else is."""
    from dataclasses import replace

    first = "Type I (also known as Orlen dystrophy), in which there is no nerve injury and Type II, in which there is."
    other = "Treatment aims to relieve pain with medications and physical therapy."
    continued = replace(passage(f"{first} {other}"), position=1)
    excerpt = composer().excerpt(continued, "What is Orlen dystrophy?", 900)
    assert excerpt is not None and excerpt.parts == (other,)
    alone = composer().excerpt(replace(passage(first), position=1), "What is Orlen dystrophy?", 900)
    assert alone is not None and alone.parts == (first,)  # nothing else: quoted as before


@pytest.mark.parametrize(
    "pointer",
    [
        "The Orlen Foundation's Web site offers more specific information about the treatment.",
        # one that opens by sending the reader elsewhere, however long it runs
        "You can read more about risk factors for multiple myeloma and monoclonal gammopathy of "
        "undetermined significance at the following links to the MayoClinic.com Website.",
        "You can read further treatment information by visiting the American Osteopathic College "
        "of Dermatology (ACOD) information page on Orlen syndrome.",
    ],
)
def test_a_sentence_that_sends_to_a_web_site_is_never_quoted(pointer):
    said = "Orlen syndrome is treated with physical therapy."
    excerpt = composer().excerpt(passage(f"{said} {pointer}"), "How is Orlen syndrome treated?", 900)
    assert excerpt is not None and excerpt.parts == (said,)


def test_a_reference_list_is_never_quoted():
    """Once a passage prints "References", the rest is citations cut into "sentences"."""
    said = "Orlen syndrome is diagnosed by an eye exam."
    text = f"{said} References Smith J, Moore A. Prenatal diagnosis of Orlen syndrome. J Med Genet. 2001."
    ask = read_ask("Is there a prenatal test for Orlen syndrome?", ["Orlen syndrome"])
    assert composer().excerpt(passage(text), "How is Orlen syndrome diagnosed?", 900).parts == (said,)
    page = [passage(text)]
    assert not composer().carrying(page, ask, "Is there a prenatal test for Orlen syndrome?", {}, 900).found


def test_a_yes_no_ask_prefers_the_sentence_that_states_a_verdict():
    """Both sentences name a cure; "Can it be cured?" is answered by the one that says no."""
    from retrieval.policy import AnswerPolicy

    page = [
        section("7", "treatment", "A cure is the aim of research on Orlen syndrome."),
        section("8", "treatment", "There is no cure for Orlen syndrome yet."),
    ]
    question = "Can Orlen syndrome be cured?"
    one = AnswerPolicy(max_sentences=1)
    carried = composer().carrying(page, read_ask(question, ["Orlen syndrome"]), question, {}, 900, policy=one)
    assert [p for e in carried.excerpts for p in e.parts] == ["There is no cure for Orlen syndrome yet."]


def test_a_run_together_list_is_shown_one_item_a_line():
    """GARD's bulleted lists reach the corpus run together after a colon; shown, each item gets
    a line of its own, every word as the page has it, and the sentence after the list stays
    prose; an item that only points to a web site ("Medscape Reference's Web site offers more")
    is left out, not cut into items."""
    from answers.reply import Citation, Excerpt

    text = (
        "Symptoms may be managed with the following: Medications such as corticosteroids "
        "Physical therapy to improve muscle strength Speech therapy to help swallowing "
        "Medscape Reference's Web site offers more. The Human Phenotype Ontology lists more."
    )
    shown = Excerpt((text,), Citation("Orlen syndrome", "", "Treatment", "1", "1", "1")).display
    assert shown.splitlines() == [
        "Symptoms may be managed with the following:",
        "• Medications such as corticosteroids",
        "• Physical therapy to improve muscle strength",
        "• Speech therapy to help swallowing",
        "The Human Phenotype Ontology lists more.",
    ]  # the last item only sent the reader to a web site: left out of the list
    prose = "Symptoms resemble those of other disorders such as Wilson disease and Huntington disease."
    assert Excerpt((prose,), Citation("Orlen syndrome", "", "Symptoms", "1", "1", "1")).display == prose
    # an item goes on after "a" and through an initial's period: "having a Helicobacter pylori (H. pylori)"
    risks = (
        "These include: Obesity Smoking Long-standing reflux Factors include having a Helicobacter "
        "pylori (H. pylori) infection; and a diet high in fruits."
    )
    shown = Excerpt((risks,), Citation("Orlen syndrome", "", "Causes", "1", "1", "1")).display
    assert shown.splitlines()[-1] == (
        "• Factors include having a Helicobacter pylori (H. pylori) infection; and a diet high in fruits."
    )


def test_a_long_list_that_ends_with_a_pointer_is_still_quoted():
    listed = (
        "Orlen syndrome can be associated with many health problems including: Pneumonia and other "
        "conditions that irritate the lungs Brain abnormalities such as strokes or tumors Metabolic "
        "disorders Gastrointestinal diseases of the stomach and intestines Kidney disorders Liver "
        "abnormalities For a comprehensive listing of factors, please click here."
    )
    excerpt = composer().excerpt(passage(listed), "Can Orlen syndrome cause stomach problems?", 900)
    assert excerpt is not None and excerpt.parts == (listed,)
    # shown, the pointer after the list is left out: the page's link is not in the quote
    assert excerpt.display.splitlines()[-1] == "• Liver abnormalities"
    hpo = "The signs may include: Dysarthria Seizures Tremor The Human Phenotype Ontology provides the following list."
    shown = Excerpt((hpo,), Citation("Orlen syndrome", "", "Symptoms", "1", "1", "1")).display
    assert shown.splitlines()[-1] == "• Tremor"
    cut = (
        "These may include: Blood tests Urine tests Bone biopsy The Orlen Society offers more information on…"
    )
    shown = Excerpt((cut,), Citation("Orlen syndrome", "", "Diagnosis", "1", "1", "1")).display
    assert shown.splitlines()[-1] == "• Bone biopsy"


@pytest.mark.parametrize(
    ("qtype", "text", "question", "quoted"),
    [
        (  # "This surgery" means nothing without the sentence that names it
            "treatment",
            "Vitrectomy removes the clouded gel of the eye. Although this surgery can restore "
            "clear vision, it may harm the retina. Drops are used first.",
            "Can people with Orlen syndrome get their vision back?",
            "Vitrectomy removes the clouded gel of the eye. Although this surgery can restore clear vision, "
            "it may harm the retina.",
        ),
        (  # "how these mutations cause ..." mid-sentence points back as "This surgery" does
            "causes",
            "Orlen syndrome is caused by mutations in the ORL1 gene. Researchers are trying to find "
            "out how these mutations cause the hair loss. The nails are thin.",
            "Is there any research on Orlen syndrome?",
            "Orlen syndrome is caused by mutations in the ORL1 gene. Researchers are trying to find out how "
            "these mutations cause the hair loss.",
        ),
    ],
)
def test_a_carrier_that_points_back_comes_with_the_sentence_before_it(qtype, text, question, quoted):
    """A carrier that points back is quoted with the sentence it points to: both, whole, in order."""
    page = [section("9", qtype, text)]
    carried = composer().carrying(page, read_ask(question, ["Orlen syndrome"]), question, {}, 900)
    assert [p for e in carried.excerpts for p in e.parts] == [quoted]


def test_a_feature_that_only_repeats_the_diseases_name_is_left_out():
    """A table row "Orlen syndrome" on Orlen syndrome's page tells nothing of it."""
    table = f"Signs and Symptoms {TABLE_HEADER} Orlen syndrome - Thin nails - Dry skin - Sparse eyebrow -"
    excerpt = composer().excerpt(passage(f"{INTRO} {table}"), "What are the symptoms of Orlen syndrome?", 900)
    assert excerpt is not None and excerpt.listed
    assert "Orlen syndrome" not in excerpt.parts and "Thin nails" in excerpt.parts


def test_a_carrier_saying_only_that_it_varies_comes_with_the_sentence_after_it():
    page = [
        section(
            "10", "prognosis",
            "The prognosis for Orlen syndrome varies. Most people respond well to treatment. The hair is sparse.",
        ),
    ]  # fmt: skip
    question = "What is the life expectancy with Orlen syndrome?"
    carried = composer().carrying(page, read_ask(question, ["Orlen syndrome"]), question, {}, 900)
    assert [p for e in carried.excerpts for p in e.parts] == [
        "The prognosis for Orlen syndrome varies. Most people respond well to treatment."
    ]


def test_a_sentence_that_points_back_is_quoted_only_after_the_one_before_it():
    """ "However, those ..." after a gap would read as about something else: it waits for the
    sentence it follows, and the excerpt has no gap before it."""
    page = passage(
        "Early signs of cancer may not be apparent. The patches look the same for years. "
        "For example, a patch may look unchanged. Most patches stay benign for life. "
        "Small patches are only watched. However, those that show cancerous features should be removed."
    )
    excerpt = composer().excerpt(page, "What are the early signs of cancer in Orlen syndrome?", 900)
    assert excerpt is not None
    assert not any(part.startswith("However") for part in excerpt.parts)


def test_a_heading_printed_in_the_text_is_never_quoted():
    """Sibling collections print headings inline ("Diagnostic Tests"); GARD, citation marks."""
    said = "Orlen syndrome is diagnosed by an eye exam."
    excerpt = composer().excerpt(
        passage(f"Diagnostic Tests\n{said}\n[1] [2]"), "How is Orlen syndrome diagnosed?", 900
    )
    assert excerpt is not None and excerpt.parts == (said,)


def test_a_part_over_the_budget_ends_at_its_last_whole_sentence():
    """Never cut mid-sentence with "…" when a whole sentence can end the part: the sentences
    left out stay for "more" (Excerpt.left_out). A long sentence counts as MAX_PART_CHARS while
    sentences are chosen, so together they may run over."""
    features = ", ".join(f"feature number {n} of the skin" for n in range(18))
    first = f"Orlen syndrome affects the skin with {features}."
    second = "Most people with Orlen syndrome have thin hair, thick nails and dry skin from early childhood."
    text = f"{first} {second}"
    assert 500 < len(first) < 650
    excerpt = composer().excerpt(passage(text), "What are the symptoms of Orlen syndrome?", 650)
    assert excerpt is not None and excerpt.parts == (first,)
    assert not excerpt.truncated_end and excerpt.left_out and "…" not in excerpt.text
    whole = composer().excerpt(passage(text), "What are the symptoms of Orlen syndrome?", 900)
    assert whole is not None and whole.parts == (text,) and not whole.left_out


HOW_COMMON = "How common is Orlen syndrome?"
HOW_LONG = "What is the life expectancy of a child with Orlen syndrome?"


@pytest.mark.parametrize(
    ("question", "sentence", "direct"),
    [
        # how common: a number answers, "rare" touches it from aside
        (HOW_COMMON, "Orlen syndrome is a rare condition of the skin.", False),
        (HOW_COMMON, "Orlen syndrome affects about 1 in 25,000 newborns.", True),
        (HOW_COMMON, "Only twenty families have been reported.", True),
        # how long people live: a lifespan or survival answers, a life-threatening problem doesn't
        (HOW_LONG, "Some children have life-threatening heart problems.", False),
        (HOW_LONG, "Most affected people have a normal life expectancy.", True),
        (HOW_LONG, "Affected children usually die in infancy.", True),
        # whether it is serious, a life-threatening problem answers
        ("Is Orlen syndrome serious?", "Some children have life-threatening heart problems.", True),
    ],
)
def test_an_ask_wanting_a_figure_is_answered_directly_only_by_one(question, sentence, direct):
    page = [section("1", "information", f"Orlen syndrome is a condition of the skin. {sentence}")]
    carried = composer().carrying(page, read_ask(question, ["Orlen syndrome"]), question, {}, 900)
    assert carried.found and carried.direct is direct


@pytest.mark.parametrize(
    ("middle_chars", "budget", "filled"),
    [
        (40, 900, True),  # short, and it fits: quoted, no "…"
        (MAX_GAP_CHARS + 50, 2000, False),  # too long to be a gap's filler
        (40, 150, False),  # no room
    ],
)
def test_a_short_gap_between_quoted_sentences_is_quoted_too(middle_chars, budget, filled):
    """ "…" between two quoted sentences reads as something hidden ("surgery may be considered.
    … Another surgery, vitrectomy" hid the first surgery): a short quotable sentence between
    them is quoted as well (compose._close_gaps)."""
    first, middle = Candidate(0, 60, 1.0, 0), Candidate(61, 61 + middle_chars, 0.1, 1)
    last = Candidate(middle.end + 1, middle.end + 61, 0.9, 2)
    chosen = _close_gaps([first, middle, last], [first, last], budget)
    assert (middle in chosen) is filled and chosen[0] == first and chosen[-1] == last
