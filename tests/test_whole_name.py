"""A name spelt whole (Linker.whole_name), rule by rule, on a small corpus: the words next to it
decide whether the page is meant (SAME), covers it in general (BROADER), or another disease is
named (OTHER); anything else is left to the link model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_shared
from corpus_fixture import corpus_searcher, named_page, write_corpus

from answers.engine import Engine
from retrieval.build import CorpusSelection, open_index
from retrieval.linking import WholeName
from retrieval.search import Outcome, Searcher


def page(doc_id: str, title: str, synonyms: tuple[str, ...] = ()) -> dict:
    return named_page(doc_id, title, synonyms, section="treatment")


PAGES = [
    page("0000001", "Hereditary hemorrhagic telangiectasia", ("HHT", "Osler-Weber-Rendu disease")),
    page("0000002", "Turner syndrome"),
    page("0000003", "Myelofibrosis"),
    page("0000004", "Ruvalcaba syndrome"),
    page("0000005", "Clubfoot"),
    page("0000006", "Mastocytosis"),
    page("0000007", "Leukoplakia"),
    page("0000008", "Dextrocardia"),
    page("0000009", "Situs inversus"),
    page("0000010", "Polydactyly"),
    page("0000011", "Mosaic trisomy 9"),  # names use "mosaic", "vulvar", "leukodystrophy"
    page("0000012", "Vulvar vestibulitis"),
    page("0000013", "Leukodystrophy"),
    page("0000014", "Paroxysmal ventricular fibrillation", ("Idiopathic ventricular fibrillation", "IVF")),
    page("0000015", "Krabbe disease"),  # names put "Krabbe" before others
    page("0000016", "Brown syndrome"),  # an English word: an eponymous name, no class
    page("0000017", "Long QT syndrome"),
    {  # a family shares "leukodystrophy", which page text writes in lower case: a class's name
        **page("0000018", "Alexander disease", ("Leukodystrophy",)),
        "sections": [
            ("information", "What is Alexander disease ?", "Alexander disease is a leukodystrophy.")
        ],
    },
    page("0000019", "Canavan disease", ("Leukodystrophy",)),
    page("0000020", "Zellweger syndrome", ("Leukodystrophy",)),
    page("0000021", "Refsum disease", ("Leukodystrophy",)),
    page("0000022", "Cholestasis of pregnancy"),  # a few names use "pregnancy"
    page("0000023", "Lupus"),
    page("0000024", "Idiopathic thrombocytopenic purpura", ("ITP", "Immune thrombocytopenia")),
    page("0000027", "Immune thrombocytopenia (ITP)"),  # "ITP" reads as either long form
    page("0000025", "Polydactyly with cleft palate"),  # a name two others' names make with "with"
    page("0000026", "Cleft palate"),
    page("0000028", "Adult-onset Still disease"),  # names use "onset", as GARD's 88 do
    page("0000029", "Pineal cyst"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root: Path = write_corpus(tmp_path_factory.mktemp("whole-corpus"), PAGES)
    return Searcher(open_index(CorpusSelection(root), tmp_path_factory.mktemp("whole-index"), progress=False))


def verdict(searcher: Searcher, question: str) -> WholeName | None:
    readings = searcher.names.variants(question)
    match = searcher.names.match(question, readings=readings)[0]
    return searcher.linker.whole_name(match, readings[match.variant])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # An aside after the name is no part of it.
        ("Can hereditary hemorrhagic telangiectasia (HHT) be treated?", WholeName.SAME),
        # So is another name of the same page typed against it without brackets or commas.
        ("Can hereditary hemorrhagic telangiectasia HHT be treated?", WholeName.SAME),
        ("Is HHT hereditary hemorrhagic telangiectasia inherited?", WholeName.SAME),
        ("What is hereditary hemorrhagic telangiectasia Osler-Weber-Rendu disease?", WholeName.SAME),
        # Asking words and connectors before it, asking words after it, are the asker's.
        ("What is the incidence of myelofibrosis in the United States?", WholeName.SAME),
        ("Is mastocytosis hereditary?", WholeName.SAME),
        # After "you", "I", "we", a word is the asker's verb, however rare ("can you | outgrow").
        ("Can you outgrow mastocytosis?", WholeName.SAME),
        # How it is inherited, asked as the predicate of "Is X ...?" (Linker._asks_its_mode).
        ("Is Turner syndrome X-linked?", WholeName.SAME),
        ("Is myelofibrosis autosomal dominant or recessive?", WholeName.SAME),
        # A verb's -ing form no name uses is the asker's; so is a short lower-case topic after
        # "with" or "and" that ends in a word no name uses.
        ("When staging myelofibrosis, is a scan used?", WholeName.SAME),
        ("Is mastocytosis with bone marrow biopsy painful?", WholeName.SAME),
        ("Is there any information about mastocytosis and exercise?", WholeName.SAME),
        ("Is there any information about mastocytosis and pregnancy?", WholeName.SAME),
        ("Is mastocytosis with mental deterioration inherited?", None),  # a medical word: a title's
        # After a head word, lower-case English no name uses is the asker's.
        ("Are all children with Turner syndrome intellectually delayed?", WholeName.SAME),
        # Right after "what", "which", "who" (or its auxiliary), a word no name uses is the verb.
        ("What can worsen mastocytosis?", WholeName.SAME),
        ("What distinguishes myelofibrosis from leukemia?", WholeName.SAME),
        # Before "of" or "with", another form of an everyday word, or an English word names don't
        # put first, is who or what has it.
        ("Are carrier females of Turner syndrome affected?", WholeName.SAME),
        ("How are infants with mastocytosis treated?", WholeName.SAME),
        # ... not before an abbreviation, which may stand for something else there.
        ("How often does a person have repeated episodes of HHT?", None),
        # "and" before another condition's whole name lists it apart.
        ("Is there an association between mastocytosis and Crohn's disease?", WholeName.SAME),
        ("What is the difference between mastocytosis and childhood mastocytosis?", WholeName.SAME),
        # Lower-case qualifiers narrow it: the page covers it in general.
        ("Is there a cure for mosaic Turner syndrome?", WholeName.BROADER),
        ("Is there any medication for vulvar leukoplakia?", WholeName.BROADER),
        # A name's words in another form are the name spelt whole ("pineal cysts").
        ("Tell me about symptomatic pineal cysts", WholeName.BROADER),
        ("What are pineal cysts?", WholeName.SAME),
        # A qualifier typed in one word with a hyphen is all a qualifier ("late-onset").
        ("What is late-onset mastocytosis?", WholeName.BROADER),
        # A type's number after it names one type: the page covers it in general; after the
        # number, a word no name uses is the asker's.
        ("What causes Long QT syndrome 3?", WholeName.BROADER),
        ("What causes a Long QT syndrome type 3 relapse?", WholeName.BROADER),
        # So does a type named in words after a comma, as GARD titles them ("..., vascular type").
        ("Is Turner syndrome, classic type, inherited?", WholeName.BROADER),
        ("Is Turner syndrome classic type inherited?", WholeName.BROADER),  # typed without commas
        ("Is there a cure for Turner syndrome type 2 in adults?", WholeName.BROADER),
        # Before a descriptive name (a class), a word names put first names one kind of it.
        ("How rare is Krabbe leukodystrophy?", WholeName.BROADER),
        # An eponym joined to it or before an eponymous name, or a head word after it, names
        # another disease.
        ("How rare is Wisniewski Brown syndrome?", WholeName.OTHER),
        ("Do children with clubfoot syndrome walk late?", WholeName.OTHER),
        # A title joining conditions, or a capitalised title word, is the model's to weigh.
        ("Could my kids get Dextrocardia with situs inversus?", None),
        ("Is Familial Turner syndrome inherited?", None),
        ("Is postaxial hand polydactyly part of the syndrome?", None),
    ],
)
def test_whole_name(searcher: Searcher, question: str, expected: WholeName | None) -> None:
    said = verdict(searcher, question)
    assert (said[0] if said else None) is expected, said


@pytest.mark.parametrize(
    ("question", "title", "broader"),
    [
        (
            "Can hereditary hemorrhagic telangiectasia (HHT) be treated?",
            "Hereditary hemorrhagic telangiectasia",
            "",
        ),
        ("What is the incidence of myelofibrosis in the United States?", "Myelofibrosis", ""),
        (
            "Is hereditary hemorrhagic telangiectasia HHT found in men?",
            "Hereditary hemorrhagic telangiectasia",
            "",
        ),
        ("Is there a cure for mosaic Turner syndrome?", "Turner syndrome", "mosaic Turner syndrome"),
    ],
)
def test_answered_from_the_page(searcher: Searcher, question: str, title: str, broader: str) -> None:
    result = searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease is not None
    assert searcher.title(result.disease.doc_id) == title
    assert result.broader == broader
    assert result.to_json()["broader"] == broader and result.to_json()["outcome"] == "answer"


def test_another_diseases_name_gets_no_page(searcher: Searcher) -> None:
    result = searcher.search("How rare is Wisniewski Brown syndrome?")
    assert result.outcome is Outcome.NO_PAGE
    assert result.missing == "Wisniewski Brown syndrome"
    assert result.to_json()["missing"] == "Wisniewski Brown syndrome"


def test_the_page_titled_with_a_familys_shared_name_is_the_general_page(searcher: Searcher) -> None:
    """Several pages carry "leukodystrophy" as a synonym, one is titled so: "Krabbe leukodystrophy"
    is answered from that one, said to cover it in general (Searcher._general_page)."""
    result = searcher.search("What causes Krabbe leukodystrophy?")
    assert result.outcome is Outcome.ANSWER and result.disease is not None
    assert searcher.title(result.disease.doc_id) == "Leukodystrophy"
    assert result.broader == "Krabbe leukodystrophy"


def test_the_reply_says_the_page_is_broader(searcher: Searcher) -> None:
    reply = Engine(searcher).reply("chat", "Is there a cure for mosaic Turner syndrome?")
    assert reply.message.startswith("I have no GARD page on mosaic Turner syndrome specifically.")
    assert reply.disease == "Turner syndrome" and reply.excerpts


@pytest.mark.parametrize(
    "question",
    [
        "Is there an association between Turner syndrome and mastocytosis?",
        "Can myelofibrosis, Turner syndrome, and mastocytosis occur together?",
        "Is myelofibrosis / mastocytosis inherited?",
        # An item no page names may stand between two that have pages (Linker._list_gap).
        "Can myelofibrosis, antiphospholipid syndrome, and mastocytosis occur together?",
        # Two whole names joined by "with" when no page has the name they make together.
        "I'd like to learn more about myelofibrosis with mastocytosis.",
    ],
)
def test_conditions_listed_together_are_a_choice(searcher: Searcher, question: str) -> None:
    result = searcher.search(question)
    assert result.outcome is Outcome.CHOICE and result.several
    asked = {"Turner syndrome", "Mastocytosis", "Myelofibrosis"}
    offered = {searcher.title(c.doc_id) for c in result.choices}
    assert len(offered) >= 2 and offered <= asked


@pytest.mark.parametrize(
    "question",
    [
        "I have vestibulitis and Turner syndrome. What is the life expectancy?",
        "Is there a link between vestibulitis and myelofibrosis?",
    ],
)
def test_a_name_after_and_with_an_unknown_condition_is_offered(searcher: Searcher, question: str) -> None:
    """ "vestibulitis and Turner syndrome" is two conditions, one with no page (Linker.joined_to_unknown):
    the page is offered for one tap, not refused as one unknown name."""
    result = searcher.search(question)
    assert result.outcome is Outcome.DID_YOU_MEAN
    assert [searcher.title(c.doc_id) for c in result.choices] in (["Turner syndrome"], ["Myelofibrosis"])


def test_a_title_cased_name_joined_by_and_is_left_to_the_model(searcher: Searcher) -> None:
    """ "Hypertelorism and Turner syndrome" is written as a title is: no page, not Turner syndrome."""
    result = searcher.search("What is Hypertelorism and Turner syndrome?")
    assert result.outcome is not Outcome.DID_YOU_MEAN and result.outcome is not Outcome.ANSWER


def test_an_abbreviation_typed_in_a_list_is_an_item(searcher: Searcher) -> None:
    """ "ITP" is read as its long form in another reading; typed, it is still a list item."""
    result = searcher.search("Can lupus, antiphospholipid syndrome, and ITP antibodies occur together?")
    assert result.outcome is Outcome.CHOICE and result.several
    offered = {searcher.title(c.doc_id) for c in result.choices}
    assert "Lupus" in offered and len(offered) == 2
    assert offered - {"Lupus"} <= {"Idiopathic thrombocytopenic purpura", "Immune thrombocytopenia (ITP)"}


def test_a_name_made_with_with_is_one_page_not_a_list(searcher: Searcher) -> None:
    """ "Polydactyly with cleft palate" is a page's name: not the two pages its parts name."""
    result = searcher.search("Could my kids get polydactyly with cleft palate?")
    assert not result.several and result.outcome is Outcome.ANSWER
    assert searcher.title(result.disease.doc_id) == "Polydactyly with cleft palate"


@pytest.mark.parametrize(
    "question",
    [
        "Can this be done through in vitro fertilization (IVF)?",
        # typed without capitals, or without brackets: the words before it still spell it out
        "can this be done through in vitro fertilization (ivf)?",
        "Can this be done through in vitro fertilization IVF",
    ],
)
def test_an_abbreviation_the_question_spells_out_otherwise_names_no_page(
    searcher: Searcher, question: str
) -> None:
    """ "in vitro fertilization (IVF)" is not the IVF of idiopathic ventricular fibrillation."""
    result = searcher.search(question)
    assert result.outcome is Outcome.NO_PAGE and result.missing == "in vitro fertilization"
    spelt_alike = searcher.search("Is idiopathic ventricular fibrillation (IVF) inherited?")
    assert spelt_alike.outcome is Outcome.ANSWER


@needs_shared
def test_a_name_listing_the_words_as_a_feature_is_no_kind_of_them(gard_searcher: Searcher) -> None:
    """GARD has no page on cleft lip and palate. "Microcephaly, corpus callosum dysgenesis and
    cleft lip-palate" lists it as a feature and is no kind of it (linking._listed_in); the one
    page left is offered for one tap, never as "several conditions match that name"."""
    result = gard_searcher.search("My baby girl was born with a cleft lip and palate. Will she need surgery?")
    assert result.outcome is Outcome.DID_YOU_MEAN and len(result.choices) == 1
    assert "Microcephaly" not in gard_searcher.title(result.choices[0].doc_id)


@needs_shared
def test_a_type_after_a_name_is_no_head_word_though_names_end_in_type(gard_searcher: Searcher) -> None:
    """GARD names end in "type" ("Ehlers-Danlos syndrome, dermatosparaxis type"), but "syndrome
    type 3" types the syndrome (Linker._joined_after): its general page, said so."""
    result = gard_searcher.search("I have Ehlers-Danlos syndrome type 3. Is pregnancy safe?")
    assert result.outcome is Outcome.ANSWER and result.broader == "Ehlers-Danlos syndrome type 3"
    assert gard_searcher.title(result.disease.doc_id) == "Ehlers-Danlos syndrome"


FAMILY = [
    page(f"00001{n:02d}", f"Ehlers-Danlos syndrome, type {n}", ("Ehlers-Danlos syndrome",)) for n in range(12)
] + [page("0000200", "Marfan syndrome")]


@pytest.fixture(scope="module")
def family_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return corpus_searcher(tmp_path_factory, FAMILY, "family")


def test_a_name_many_pages_share_leaves_room_for_the_next_name(family_searcher: Searcher) -> None:
    """Twelve pages sharing one name count once among the best names (names._first_names), and
    its words are placed on the name's side of a tie ("... and Ehlers-Danlos | syndrome", not
    Marfan's "syndrome"): both conditions are offered."""
    question = "What are the symptoms of Marfan syndrome and Ehlers-Danlos syndrome?"
    matches = family_searcher.names.match(question)
    assert "0000200" in [m.doc_id for m in matches]
    assert all(m.positions == (8, 9, 10) for m in matches if m.doc_id != "0000200")
    result = family_searcher.search(question)
    assert result.several and "0000200" in [c.doc_id for c in result.choices]


@needs_shared
def test_a_type_named_after_a_comma_gets_the_general_page(gard_searcher: Searcher) -> None:
    """GARD has no classic type of Ehlers-Danlos syndrome; BM25 ranks first the page with the
    synonym "Ehlers-Danlos syndrome, classic-like type", which the question doesn't name. The page
    titled with the name spelt whole covers it in general (Searcher._link -> _general_page)."""
    result = gard_searcher.search("Ehlers-Danlos syndrome, classic type")
    assert result.outcome is Outcome.ANSWER and result.broader == "Ehlers-Danlos syndrome, classic type"
    assert gard_searcher.title(result.disease.doc_id) == "Ehlers-Danlos syndrome"


FORM_PAGES = [
    {
        "id": "0000300",
        "url": "https://rarediseases.info.nih.gov/gard/300/x",
        "focus": "Pineal cyst",
        "synonyms": [],
        "sections": [
            (
                "information",
                "What is Pineal cyst ?",
                "Pineal cysts are fluid-filled sacs of the pineal gland. Most people with them never know.",
            ),
            (
                "symptoms",
                "What are the symptoms of Pineal cyst ?",
                "Occasionally they cause headaches and vertigo, in which case they are called symptomatic "
                "pineal cysts.",
            ),
        ],
    },
]


@pytest.fixture(scope="module")
def form_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine(corpus_searcher(tmp_path_factory, FORM_PAGES, "form"))


def test_the_general_page_quotes_what_it_says_of_the_form_asked(form_engine: Engine) -> None:
    """A name the page covers in general: the words that qualify it name the form asked, so the
    page's sentences naming them come first (Engine._form_policy), however often English or the
    pages use the words ("symptomatic"), not the overview."""
    reply = form_engine.reply("form", "Can you send me any information on symptomatic pineal cyst?")
    assert reply.message.startswith("I have no GARD page on symptomatic pineal cyst specifically.")
    assert "What it says about symptomatic:" in reply.message
    quoted = " ".join(part for excerpt in reply.excerpts for part in excerpt.parts)
    assert "they are called symptomatic pineal cysts" in quoted
    assert "fluid-filled sacs" not in quoted


@pytest.mark.parametrize(
    "question",
    [
        "Is there a cure for mosaic Turner syndrome?",
        "What is the incidence of myelofibrosis in the United States?",
    ],
)
def test_a_question_typed_in_capitals_reads_as_typed_without_them(searcher: Searcher, question: str) -> None:
    """ "IS THERE A CURE FOR MOSAIC TURNER SYNDROME?" names what the same words in any case name."""
    typed, shouted = searcher.search(question), searcher.search(question.upper())
    assert shouted.outcome is typed.outcome is Outcome.ANSWER
    assert (shouted.disease.doc_id, shouted.broader.lower()) == (typed.disease.doc_id, typed.broader.lower())


def test_a_type_typed_without_a_comma_may_be_a_longer_titles(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """ "Muscular dystrophy megaconial type" is short for a page's title ("Muscular dystrophy,
    congenital, megaconial type"): never the general page said to cover it (Linker._named_type_after)."""
    pages = [
        page("0000001", "Muscular dystrophy"),
        page("0000002", "Muscular dystrophy, congenital, megaconial type"),
    ]
    searcher = corpus_searcher(tmp_path_factory, pages, "megaconial")
    result = searcher.search("Tell me about muscular dystrophy megaconial type")
    assert not (result.outcome is Outcome.ANSWER and result.disease.doc_id == "0000001")
