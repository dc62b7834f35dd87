"""Disease linking, rule by rule, called where the rules live (Linker, NameIndex, Searcher):
mentions, the link/NIL decision, choices of longer names, vague questions, leave-one-page-out on
a corpus written for it, and bad input that must neither fail nor make a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_shared
from corpus_fixture import corpus_searcher, named_page, write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.build import CorpusSelection, open_index
from retrieval.linking import FEATURES, logistic, unexplained_share
from retrieval.linking_fit import LOOK_ALIKE, LOOK_ALIKE_CHOICE, cases, evaluate_linking
from retrieval.names import DiseaseMatch
from retrieval.policy import ReadingPolicy
from retrieval.search import Outcome, Searcher


def page(doc_id: str, title: str, text: str, synonyms: tuple[str, ...] = ()) -> dict:
    return {
        "id": doc_id,
        "url": f"https://rarediseases.info.nih.gov/gard/{int(doc_id)}/{title.lower().replace(' ', '-')}",
        "focus": title,
        "synonyms": list(synonyms),
        "sections": [
            ("information", f"What is {title} ?", text),
            ("inheritance", f"Is {title} inherited ?", f"{title} is inherited in an autosomal pattern."),
        ],
    }


PAGES = [
    page(
        "0000001", "Sjogren-Larsson-like syndrome", "A skin and nerve disorder like Sjogren-Larsson syndrome."
    ),
    page("0000002", "Sarcoidosis", "Sarcoidosis forms granulomas in the lungs and other organs."),
    page("0000003", "Glaucoma sleep apnea", "Glaucoma with sleep apnea in one family."),
    page("0000004", "Growth hormone deficiency", "Too little growth hormone slows a child's growth."),
    page("0000005", "Tietze syndrome", "Tietze syndrome is an inflammation of the rib cartilage."),
    page("0000006", "Marfan syndrome", "Marfan syndrome affects the connective tissue."),
    page("0000007", "Usher syndrome type 1", "Usher syndrome type 1 causes deafness and blindness."),
    page("0000008", "Usher syndrome type 2", "Usher syndrome type 2 causes hearing loss and blindness."),
    page("0000009", "Intrahepatic cholestasis of pregnancy", "Itching in late pregnancy from bile."),
    page("0000010", "Hemophilia", "Hemophilia is a bleeding disorder.", ("Hemophilia A",)),
    page("0000011", "Peutz-Jeghers syndrome", "Polyps in the gut and dark spots on the lips.", ("PJS",)),
    page("0000012", "Antisynthetase syndrome", "Muscle and lung inflammation.", ("AS syndrome",)),
    page("0000013", "SHORT syndrome", "Short stature and other features."),
    page("0000014", "Fabry disease", "Fabry disease is a storage disorder of fat."),
    page("0000015", "Pompe disease type 2", "A glycogen storage disease of the muscles."),
]
HEAD_PAGES = [  # heads: "dysplasia" and "congenita" each end two names
    page("0000016", "Spondyloepiphyseal dysplasia congenita", "Short trunk and flat vertebrae from birth."),
    page("0000017", "Myotonia congenita", "Stiff muscles that relax slowly after use."),
    page("0000018", "Fibrous dysplasia", "Scar-like tissue grows in place of normal bone."),
    page("0000019", "Septo-optic dysplasia", "Underdeveloped optic nerves and pituitary gland."),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root: Path = write_corpus(tmp_path_factory.mktemp("linking-corpus"), PAGES)
    return Searcher(
        open_index(CorpusSelection(root), tmp_path_factory.mktemp("linking-index"), progress=False)
    )


@pytest.mark.parametrize(
    ("question", "mention", "shaped"),
    [
        ("What causes Scheuermann disease?", "Scheuermann disease", True),  # head word
        ("is kleine-levin syndrome genetic", "kleine-levin syndrome", True),  # hyphenated, lower case
        ("What is PKU?", "PKU", True),  # an acronym typed in capitals
        ("Tell me about Whitcombe's disease", "Whitcombe's disease", True),  # possessive eponym
        ("Does Brachydactyly type A5 get worse?", "Brachydactyly type A5", True),  # a type label
        (
            "Does Brachydactyly type A get worse?",
            "Brachydactyly type A",
            True,
        ),  # "A" after "type" is a letter
        ("my optometrist says cone shaped, keratoconus. what now", "keratoconus", False),  # clause ends
        ("Is Meniere's disease? The vertigo is bad", "Meniere's disease", True),  # sentence ends
        ("Hi, I'm Zebulon. Can my employer fire me?", "Zebulon", False),  # a person is no disease
        ("Is this a Metabolic disease?", "Metabolic disease", False),  # a class: "a" and English words
        ("My son has a Zorbland disease.", "Zorbland disease", True),  # "a" and a word of no class
    ],
)
def test_mentions(searcher: Searcher, question: str, mention: str, shaped: bool) -> None:
    linker = searcher.linker
    found = linker.mentions(searcher.names.variants(question)[0])
    wanted = [m for m in found if m.text == mention]
    assert wanted, [m.text for m in found]
    assert wanted[0].shaped is shaped


@pytest.mark.parametrize(
    ("question", "reason", "missing"),
    [
        # A disease with no page is named, never answered from a look-alike.
        ("What causes Sjogren-Larsson syndrome?", "no_page", "Sjogren-Larsson syndrome"),
        ("What causes Scheuermann disease?", "no_page", "Scheuermann disease"),
        ("Is Dietze syndrome inherited?", "no_page", "Dietze syndrome"),  # another first letter
        # A person's name with an age after a comma is no disease; the disease named is.
        (
            "My son Liam Okafor, 4, from Boise was diagnosed with Scheuermann fever. Is it contagious?",
            "no_page",
            "Scheuermann fever",
        ),
        ("Could my kids get Acquired hemophilia B?", "no_page", "Acquired hemophilia B"),
        ("What is Pompe disease type 3?", "no_page", "Pompe disease type 3"),  # another type
        # Name words in a row are one name, even across everyday words or a head word.
        ("My daughter has Sarcoidosis local spongiosis. What is it?", "weak_match", ""),
        ("What causes Marfan syndrome polydactyly?", "weak_match", ""),
        # A list of features is one name, unless a whole disease-shaped name opens it.
        ("Is Sarcoidosis, deafness, and obesity inherited?", "weak_match", ""),
        ("What causes Retinopathy, sarcoidosis and deafness?", "weak_match", ""),
        # ... and so is a list of words that only qualify ("Nephrotic syndrome, idiopathic, ...").
        ("Is Tietze syndrome, intrahepatic, growth-hormone inherited?", "weak_match", ""),
        (  # a comma part with a type qualifies the name, up to trailing_words long
            "Is Marfan syndrome, neonatal hypoplastic hypomaturation type 2 inherited?",
            "no_page",
            "Marfan syndrome, neonatal hypoplastic hypomaturation type 2",
        ),
        (  # a named type qualifies too
            "Is Marfan syndrome, intrahepatic, Christianson type 2 inherited?",
            "no_page",
            "Marfan syndrome, intrahepatic, Christianson type 2",
        ),
        # A comma part the clause ends after qualifies the name ("and I am" opens a clause).
        (
            "I was just diagnosed with Sarcoidosis, hepatic and I am scared. What should I know?",
            "weak_match",
            "",
        ),
        (
            "Could my kids get Fukuyama disease Marfan syndrome?",
            "no_page",
            "Fukuyama disease Marfan syndrome",
        ),
        (  # a capital letter holds a name together
            "Could my kids get Acyl-coenzyme A growth hormone deficiency?",
            "no_page",
            "Acyl-coenzyme A growth hormone deficiency",
        ),
        # Generic phrases and vague questions make no page.
        ("Is sleep apnea part of the syndrome?", "", ""),
        ("Is growth hormone treatment safe for my son?", "", ""),
        ("what is this syndrome?", "vague", ""),
        ("is it inherited?", "vague", ""),
    ],
)
def test_no_page(searcher: Searcher, question: str, reason: str, missing: str) -> None:
    result = searcher.search(question)
    assert result.abstain and not result.choices, (result.disease, result.choices)
    if reason:
        assert result.reason == reason
    assert result.missing == missing


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Is Marfan syndrome inherited?", "Marfan syndrome"),  # the name
        ("is marfan syndrom inherited", "Marfan syndrome"),  # a typo
        ("what is sarkoidosis", "Sarcoidosis"),  # one edit off
        ("What are the symptoms of PJS?", "Peutz-Jeghers syndrome"),  # an abbreviation
        ("My daughter has tietze's. Is it inherited?", "Tietze syndrome"),  # head word left out
        ("i want to learn as much as possible about SHORT syndrome", "SHORT syndrome"),  # not "AS"
        ("Is Fabry disease inherited? My brother has it", "Fabry disease"),
        (
            "She has Marfan syndrome, scoliosis and a heart murmur. Is it inherited?",
            "Marfan syndrome",
        ),  # a list
        ("My son has tietze syndrome and low muscle tone, what causes it", "Tietze syndrome"),  # "and" lists
        ("my son has severe hemophilia, is it inherited?", "Hemophilia"),  # severity names no disease
        ("My son has Marfan syndrome and seizures. What can we do?", "Marfan syndrome"),  # a head ends a name
        ("Can Marfan syndrome make scoliosis worse?", "Marfan syndrome"),  # the subject's verb follows
        (
            "the pulmonologist suspects sarcoidosis what causes it",
            "Sarcoidosis",
        ),  # words before are the asker's
    ],
)
def test_links(searcher: Searcher, question: str, title: str) -> None:
    result = searcher.search(question)
    assert not result.abstain and result.disease is not None, result.reason
    assert result.disease.title == title
    assert result.link is not None and result.link.probability >= searcher.linker.policy.link_probability


@pytest.fixture(scope="module")
def head_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return corpus_searcher(tmp_path_factory, HEAD_PAGES, "head")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("My daughter has Spondyloepiphyseal dysplasia. What is it?", None),  # said whole, head and all
        ("What is spondyloepiphyseal dysplasia congenita?", "Spondyloepiphyseal dysplasia congenita"),
        ("what is myotonia?", "Myotonia congenita"),  # a name without its head word
    ],
)
def test_a_name_said_with_its_head_is_said_whole(
    head_searcher: Searcher, question: str, title: str | None
) -> None:
    """People leave out a name's head word ("myotonia"), but a name said with a head of its own
    is not a shortened longer one: the page's further head ("congenita") is another disease."""
    result = head_searcher.search(question)
    assert (None if result.abstain else result.disease.title) == title


@pytest.mark.parametrize(
    ("question", "titles"),
    [
        ("how is usher syndrome treated", {"Usher syndrome type 1", "Usher syndrome type 2"}),  # a family
        ("how is pompe disease treated", {"Pompe disease type 2"}),  # a general name, one subtype page
    ],
)
def test_choices(searcher: Searcher, question: str, titles: set[str]) -> None:
    result = searcher.search(question)
    assert result.abstain and {c.title for c in result.choices} == titles


def test_a_type_in_the_question_picks_that_subtype(searcher: Searcher) -> None:
    result = searcher.search("how is usher syndrome type 2 treated")
    assert not result.abstain and result.disease.title == "Usher syndrome type 2"


def test_leave_one_page_out_never_links_a_look_alike(searcher: Searcher) -> None:
    """Each page's title asked with that page hidden: no page, or a choice of true relatives."""
    report = evaluate_linking(searcher, [c for c in cases(searcher) if c.group == "leave-one-page-out"])
    counts = report.counts["leave-one-page-out"]
    assert sum(counts.values()) == len(PAGES)
    assert counts[LOOK_ALIKE] == 0 and counts[LOOK_ALIKE_CHOICE] == 0, dict(report.examples)


@pytest.mark.parametrize(
    ("word", "other", "inflection"),
    [
        ("tumors", "tumor", True),  # a plural
        ("pains", "pain", True),  # an everyday word's forms are everyday words
        ("paine", "pain", False),  # a name the stemmer cuts like an everyday word is another word
        ("symmetrical", "symmetric", True),
        ("tietz", "marfan", False),  # another stem
    ],
)
def test_inflections(searcher: Searcher, word: str, other: str, inflection: bool) -> None:
    assert searcher.names.inflection(word, other) is inflection
    assert searcher.names.inflection(other, word) is inflection


def test_a_misspelling_is_measured_against_the_pages_nearest_spelling(searcher: Searcher) -> None:
    """ "sarcoidsis" is one letter from the title's "sarcoidosis", though the name matched may be
    a synonym spelt otherwise (two letters from "sarcoidoses")."""
    question = searcher.names.variants("what is sarcoidsis")[0]
    match = DiseaseMatch(
        "0000002", "Sarcoidosis", "Sarcoidoses", "synonym", 0.9, 5.0, frozenset({"sarcoidsis"}), (2,), 0, 0.9
    )
    features, _ = searcher.linker.features(match, question, None)
    assert features.edits == 1


@pytest.mark.parametrize(
    ("word", "modifies"),
    [
        ("intrahepatic", True),  # "Intrahepatic cholestasis of pregnancy": names put it first
        ("growth", True),
        ("pregnancy", False),  # it ends a name
        ("hemophilia", False),
        ("scoliosis", False),  # no name uses it
    ],
)
def test_modifiers(searcher: Searcher, word: str, modifies: bool) -> None:
    assert searcher.names.modifies(word) is modifies


def test_excluded_pages_say_nothing_about_modifiers(searcher: Searcher) -> None:
    hidden = frozenset({"0000009"})  # "Intrahepatic cholestasis of pregnancy"
    assert searcher.names.modifies("intrahepatic") and not searcher.names.modifies("intrahepatic", hidden)


@pytest.mark.parametrize(
    ("unexplained", "explained", "share"),
    [(0.0, 5.0, 0.0), (5.0, 5.0, 0.5), (0.0, 0.0, 0.0)],
)
def test_unexplained_share(unexplained: float, explained: float, share: float) -> None:
    assert unexplained_share(unexplained, explained) == pytest.approx(share)


def test_the_probability_is_a_logistic_of_the_features() -> None:
    assert logistic((0.0,), (1.0,)) == pytest.approx(0.5)
    assert logistic((100.0,), (1.0,)) > 0.999 and logistic((-100.0,), (1.0,)) < 0.001
    assert len(ReadingPolicy().coefficients) == len(FEATURES)


NO_NAME = st.text(alphabet=st.characters(blacklist_categories=("L", "N")), max_size=2000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_is_read_without_error(searcher: Searcher, text: str) -> None:
    result = searcher.search(text)
    assert result.disease is None or result.disease.doc_id in searcher.names.titles


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NO_NAME)
def test_text_without_words_makes_no_page(searcher: Searcher, text: str) -> None:
    result = searcher.search(text)
    assert result.abstain and not result.choices and not result.missing


def test_ten_thousand_characters_make_no_page(searcher: Searcher) -> None:
    text = ("and the " * 1250)[:10_000]
    result = searcher.search(text)
    assert result.abstain and result.disease is None


@pytest.mark.parametrize(
    ("asked", "name", "narrower", "only_types"),
    [
        ("Spondyloepiphyseal dysplasia", "Spondyloepiphyseal dysplasia congenita", True, False),  # a form
        ("Pompe disease", "Pompe disease type 2", True, True),  # a type
        ("tourettes", "Tourette syndrome", False, False),  # only the head word added
        ("Sjogren-Larsson syndrome", "Sjogren-Larsson-like syndrome", True, False),  # another disease
    ],
)
def test_longer_names(searcher: Searcher, asked: str, name: str, narrower: bool, only_types: bool) -> None:
    """A subtype page quoted for a general name says so (narrower); a whole name is offered only
    its types (only_types), never another disease whose name holds it."""
    linker = searcher.linker
    mention = linker.mentions(searcher.names.variants(f"what is {asked}?")[0])[0]
    match = DiseaseMatch("x", name, name, "title", 1.0, 1.0)
    assert linker.narrower(match, mention) is narrower
    assert linker.only_types(name, mention) is only_types


@pytest.fixture(scope="module")
def abbreviated_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """A page whose synonym is an abbreviation its own text spells out with a word its title
    lacks ("cervical"), so the spelt-out reading covers the title only in part."""
    pfapa = {
        "id": "0000001",
        "url": "https://rarediseases.info.nih.gov/gard/1/x",
        "focus": "Periodic fever, aphthous stomatitis, pharyngitis and adenitis",
        "synonyms": ["PFAPA", "Marshall syndrome"],
        "sections": [
            (
                "information",
                "What is Periodic fever, aphthous stomatitis, pharyngitis and adenitis ?",
                "Periodic fever, aphthous stomatitis, pharyngitis, cervical adenitis (PFAPA) is a "
                "condition of recurring fevers in young children.",
            )
        ],
    }
    return corpus_searcher(tmp_path_factory, [pfapa, named_page("0000002", "Behcet disease")], "pfapa")


@pytest.mark.parametrize("question", ["What is PFAPA?", "what is pfapa?"])
def test_a_listed_abbreviation_typed_whole_beats_its_partly_spelt_out_reading(
    abbreviated_searcher: Searcher, question: str
) -> None:
    """NameIndex keeps per page the match through the page's own synonym, typed whole, over a
    spelt-out reading too partial to link (the title halved as "cervical" splits the compound)."""
    match = abbreviated_searcher.names.match(question)[0]
    assert (match.name, match.variant, match.coverage) == ("PFAPA", 0, 1.0)
    result = abbreviated_searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.doc_id == "0000001"


@pytest.fixture(scope="module")
def repeating_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """Names that repeat a word, and a title that starts with an abbreviation another page's text
    spells out otherwise."""
    exstrophy = {
        **named_page("0000003", "Exstrophy-epispadias complex"),
        "sections": [
            (
                "information",
                "What is Exstrophy-epispadias complex ?",
                "Exstrophy-epispadias complex (EEC) is a group of birth defects of the bladder.",
            )
        ],
    }
    pages = [
        named_page("0000001", "Hailey-Hailey disease"),
        named_page(
            "0000002",
            "Severe immunodeficiency, T-cell negative, B-cell negative",
            ("SCID, T-cell negative, B-cell negative",),
        ),
        exstrophy,
        named_page("0000004", "EEC syndrome"),
        named_page("0000005", "Severe combined immunodeficiency", ("SCID",)),
        {
            **named_page(
                "0000006",
                "Mitochondrial encephalomyopathy lactic acidosis and stroke-like episodes",
                ("MELAS", "MELAS syndrome"),
            ),
            "sections": [
                (
                    "information",
                    "What is MELAS ?",
                    "Mitochondrial encephalomyopathy, lactic acidosis, and stroke-like episodes (MELAS) "
                    "is a condition that affects many of the body's systems.",
                )
            ],
        },
    ]
    return corpus_searcher(tmp_path_factory, pages, "repeating")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # a word the name repeats fills each place of the compound it repeats in
        ("What are the symptoms of Hailey-Hailey disease?", "Hailey-Hailey disease"),
        # ... and holds one place of several, whatever the order the placement found
        (
            "Is SCID, T-cell negative, B-cell negative inherited?",
            "Severe immunodeficiency, T-cell negative, B-cell negative",
        ),
        # a title the question types whole is not read through another page's long form of its
        # abbreviation
        ("My daughter has EEC syndrome. What is it?", "EEC syndrome"),
        # a synonym that holds the page's abbreviation, typed whole, is that synonym: not the
        # title through the spelt-out abbreviation, nor the abbreviation before a head word
        (
            "I was just diagnosed with MELAS syndrome and I am scared.",
            "Mitochondrial encephalomyopathy lactic acidosis and stroke-like episodes",
        ),
    ],
)
def test_names_that_repeat_or_start_with_an_abbreviation(
    repeating_searcher: Searcher, question: str, title: str
) -> None:
    result = repeating_searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.title == title


@pytest.mark.parametrize(
    "question",
    [
        "What is PFAPA (periodic fever, aphthous stomatitis, pharyngitis, cervical adenitis) syndrome?",
        # typed without capitals, the abbreviation is still typed as one (Linker._typed_abbreviations)
        "what is pfapa (periodic fever, aphthous stomatitis, pharyngitis, cervical adenitis) syndrome?",
    ],
)
def test_an_abbreviation_before_its_own_long_form_is_the_page(
    abbreviated_searcher: Searcher, question: str
) -> None:
    result = abbreviated_searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.doc_id == "0000001"


@pytest.fixture(scope="module")
def chat_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    pages = [
        named_page("0000001", "Primary lateral sclerosis", ("PLS",)),
        named_page("0000002", "Ollier disease"),
        named_page("0000003", "Lipodermatosclerosis"),
    ]
    return corpus_searcher(tmp_path_factory, pages, "chat")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # a comma typed against the next word ends the name all the same
        ("As someone with Ollier disease,I could not find the prognosis", "Ollier disease"),
    ],
)
def test_chat_typing_reads_as_written_out(chat_searcher: Searcher, question: str, title: str) -> None:
    result = chat_searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.title == title


@needs_shared
@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("pls tell me what u know about lipodermatosclerosis", "Lipodermatosclerosis"),
        ("hi, pls can someone explain morphea to me", "Localized scleroderma"),
    ],
)
def test_please_typed_as_pls_is_no_abbreviation(gard_searcher: Searcher, question: str, title: str) -> None:
    """ "pls" typed in a chat is "please" (Searcher.read): it had been read as PLS, primary
    lateral sclerosis, and its page quoted."""
    result = gard_searcher.search(question)
    assert result.outcome is Outcome.ANSWER and result.disease.title == title
