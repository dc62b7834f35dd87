"""How questions are read for disease names, on a corpus written for it: names of everyday words
must stay a phrase, a proper name alone points to its pages, and a page without the section
asked about says so instead of passing its overview off as the answer. Also which section a
question asks for when a time clause mentions another."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import needs_shared
from corpus_fixture import write_corpus

from answers import messages
from answers.engine import Engine
from answers.reply import ReplyKind
from bot.telegram.render import render_reply
from bot.telegram.texts import BUTTON_ASK
from retrieval.build import CorpusSelection, open_index
from retrieval.qtype import main_type, question_types
from retrieval.question_words import as_read, name_words, read_question
from retrieval.search import Searcher


def page(doc_id: str, title: str, *sections: tuple[str, str], synonyms: tuple[str, ...] = ()) -> dict:
    return {
        "id": doc_id,
        "url": f"https://rarediseases.info.nih.gov/gard/{int(doc_id)}/{title.lower().replace(' ', '-')}",
        "focus": title,
        "synonyms": list(synonyms),
        "sections": [(qtype, f"About {title} ({qtype}) ?", text) for qtype, text in sections],
    }


def hpo(title: str) -> str:
    """GARD's stock opening of a symptoms section: site boilerplate, the same on many pages."""
    return f"The Human Phenotype Ontology provides the following list of signs and symptoms for {title}. "


PAGES = [
    page(
        "0000001",
        "Down syndrome",
        ("information", "Down syndrome is a chromosomal condition associated with intellectual disability."),
        ("inheritance", "Most cases of Down syndrome are not inherited; they result from a random event."),
    ),
    page(
        "0000002",
        "Marfan syndrome",
        ("information", "Marfan syndrome is a disorder that affects the connective tissue of the body."),
        ("inheritance", "Marfan syndrome is inherited in an autosomal dominant pattern from either parent."),
    ),
    page(
        "0000003",
        "Duchenne muscular dystrophy",
        ("information", "Duchenne muscular dystrophy is a rapidly progressive form of muscular dystrophy."),
        ("causes", "Duchenne muscular dystrophy is caused by mutations in the DMD gene."),
    ),
    page(
        "0000004",
        "Limb-girdle muscular dystrophy type 2C",
        ("information", "This muscular dystrophy looks like the Duchenne form but is recessive."),
        synonyms=("Duchenne-like muscular dystrophy",),
    ),
    page(
        "0000005",
        "Ollier disease",
        ("information", "Ollier disease is a skeletal disorder with multiple benign cartilage tumors."),
        ("treatment", "There is no cure; surgery may correct bone deformities."),
    ),
    page(
        "0000006",
        "Cortisone reductase deficiency",
        ("information", "Cortisone reductase deficiency is a disorder of steroid metabolism in which "
         "cortisone is not converted to cortisol."),
    ),
    page(
        "0000007",
        "Gaucher disease",
        ("information", "Gaucher disease is an inherited condition that affects many organs and tissues."),
        ("symptoms", hpo("Gaucher disease") + "Signs of Gaucher disease include an enlarged liver and spleen."),
    ),
    page(
        "0000013",
        "Spinal muscular atrophy type 3",
        ("symptoms", hpo("Spinal muscular atrophy type 3") + "Signs and Symptoms: muscle weakness - tremor."),
        synonyms=("SMA 3",),
    ),
    *(
        page(f"00001{i}", f"Hpo syndrome {i}", ("symptoms", hpo(f"Hpo syndrome {i}") + "Signs: fever."))
        for i in range(10, 14)
    ),
    page(
        "0000014",
        "Fibrodysplasia ossificans progressiva",
        ("information", "Fibrodysplasia ossificans progressiva (FOP) is a disorder in which muscle turns to bone. "
         + "Movement becomes restricted over the years as new bone forms outside the skeleton itself. " * 9
         + "FOP flare-ups last for days. FOP is caused by ACVR1 changes. About 800 people have FOP."),
        synonyms=("FOP",),
    ),
    page(
        "0000015",
        "Sicca syndrome",
        ("symptoms", hpo("Sicca syndrome") + "Signs and Symptoms Approximate number of patients (when available) "
         + " ".join(f"Dryness of part {i} 90%" for i in range(40)) + " "
         + " ".join(f"Rare finding {i} 7.5%" for i in range(40))
         + " The Human Phenotype Ontology (HPO) has collected information on how often a sign or symptom occurs."),
    ),
    page(
        "0000016",
        "Bell's palsy",
        ("information", "Bell's palsy is a form of temporary facial paralysis."),
        ("symptoms", "What are the symptoms of Bell's palsy?"),
    ),
    page("0000017", "Cone dystrophy", ("information", "Cone dystrophy affects the cone cells of the retina.")),
    page("0000018", "Retinal cone dystrophy 1", ("information", "This retinal dystrophy starts in youth.")),
    page(
        "0000019",
        "Nephropathic cystinosis",
        ("information", "Nephropathic cystinosis is the most severe form of cystinosis, a disorder of cystine."),
    ),
    page(
        "0000020",
        "Fanconi renotubular syndrome",
        ("information", "This kidney disorder is distinct from cystinosis and from fibrosis of the liver."),
        synonyms=("Fanconi syndrome without cystinosis",),
    ),
    page("0000021", "Congenital hepatic fibrosis", ("information", "In this disease, fibrosis of the liver starts early.")),
    page("0000022", "Retroperitoneal fibrosis", ("information", "Retroperitoneal fibrosis surrounds the kidneys.")),
    page("0000023", "Split hand foot malformation", ("information", "A limb malformation of hands and feet.")),
    page("0000024", "Split hand split foot nystagmus", ("information", "Split hands and feet with nystagmus.")),
    page(
        "0000011",
        "Achard syndrome",
        ("information", "Achard syndrome is a connective tissue disorder with long, thin fingers."),
    ),
    page(
        "0000012",
        "Tattoo dysplasia",
        ("information", "Tattoo dysplasia is a skeletal dysplasia with short fingers and distinctive speech."),
        synonyms=("Happy puppet syndrome",),
    ),
    page(
        "0000009",
        "Becker muscular dystrophy",
        ("information", "Becker muscular dystrophy is a milder form of muscular dystrophy."),
        ("information", "Becker muscular dystrophy is a milder form of muscular dystrophy."),  # pages repeat
    ),
    page(
        "0000010",
        "Limb-girdle muscular dystrophy",
        ("information", "Limb-girdle muscular dystrophy weakens the muscles of the hips and shoulders."),
    ),
    page(
        "0000008",
        "Juvenile muscular dystrophy",
        ("information", "Juvenile muscular dystrophy begins in childhood; walking and sleep may suffer."),
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = write_corpus(tmp_path_factory.mktemp("names-corpus"), PAGES)
    index = open_index(CorpusSelection(root), tmp_path_factory.mktemp("names-index"), progress=False)
    return Engine(Searcher(index))


def test_a_name_of_everyday_words_must_stay_a_phrase(engine: Engine) -> None:
    reply = engine.reply("a", "is marfan syndrome passed down from the father?")
    assert reply.disease == "Marfan syndrome" and reply.excerpts[0].citation.section == "Inheritance"
    assert engine.reply("b", "is down syndrome inherited?").disease == "Down syndrome"
    assert engine.reply("c", "my daughter has Down syndrome, is it inherited?").disease == "Down syndrome"
    # "syndrome ... down" out of order, or far apart, names nothing
    scattered = engine.reply("d", "what is this syndrome that keeps me down all day, is it inherited")
    assert scattered.kind is ReplyKind.ABSTAIN


def test_a_proper_name_alone_finds_its_page_or_its_few_pages(engine: Engine) -> None:
    reply = engine.reply("e", "what can be done about ollier")
    assert reply.kind is ReplyKind.ANSWER and reply.disease == "Ollier disease"
    choose = engine.reply("f", "my son was just diagnosed with duchenne, how long do kids with it live?")
    assert choose.kind is ReplyKind.CHOOSE
    assert [c.title for c in choose.choices] == [  # the name that matched, where the title lacks it
        "Duchenne muscular dystrophy",
        "Limb-girdle muscular dystrophy type 2C (Duchenne-like muscular dystrophy)",
    ]
    assert engine.reply("f", "1").disease == "Duchenne muscular dystrophy"


def test_a_bare_medical_term_finds_the_pages_it_heads(engine: Engine) -> None:
    """ "cystinosis" heads one page's names ("without cystinosis" doesn't count), offered rather
    than guessed, since a disease with no page may have a name inside a longer one; "fibrosis"
    heads two, offered as pages with that word in their names; "cystic fibrosis" is neither."""
    cystinosis = engine.reply("w", "what's the life expectancy for someone with cystinosis")
    assert cystinosis.message == messages.CHOOSE_BY_WORD
    assert [c.title for c in cystinosis.choices] == ["Nephropathic cystinosis"]
    fibrosis = engine.reply("x", "what is fibrosis?")
    assert fibrosis.message == messages.CHOOSE_BY_WORD
    assert {c.title for c in fibrosis.choices} == {"Congenital hepatic fibrosis", "Retroperitoneal fibrosis"}
    assert engine.reply("y", "can adults get cystic fibrosis symptoms?").kind is ReplyKind.ABSTAIN


def test_a_word_pages_write_in_lower_case_is_not_a_proper_name(engine: Engine) -> None:
    reply = engine.reply("g", "Does tennis elbow go away or do I need a cortisone shot?")
    assert reply.kind is ReplyKind.ABSTAIN


@pytest.mark.parametrize(
    "question",
    [
        "Our daughter has Smith-Magenis syndrome and hardly sleeps at night. Is that part of it?",
        "I got a tattoo and now have a rash, is that a rare disease?",
        "my son loves his puppet but he has seizures, what could it be",
        "Is hand foot and mouth disease contagious? Daycare sent my daughter home with blisters",
    ],
)
def test_everyday_english_words_name_no_disease(engine: Engine, question: str) -> None:
    """Words English uses often are no misspelt name ("hardly" for Achard) and no partial name
    ("tattoo" for tattoo dysplasia), however rare they are in the pages themselves."""
    assert engine.reply("h", question).kind is ReplyKind.ABSTAIN


def test_rare_names_still_read_whole_or_misspelt(engine: Engine) -> None:
    assert engine.reply("h", "What is Achard syndrome?").disease == "Achard syndrome"
    assert engine.reply("h", "what is acherd syndrome").disease == "Achard syndrome"
    assert engine.reply("h", "Is tattoo dysplasia inherited?").disease == "Tattoo dysplasia"


def test_a_missing_section_is_said_and_a_specialist_offered(engine: Engine) -> None:
    reply = engine.reply("h", "How is Gaucher disease treated?")
    assert reply.answered and reply.partial
    assert reply.message == messages.NO_SECTION.format(title="Gaucher disease", section="treatment")
    assert reply.excerpts[0].citation.section == "Overview"
    labels = [button.text for row in render_reply(reply, "t1").buttons for button in row]
    assert BUTTON_ASK in labels
    present = engine.reply("i", "How is Ollier disease treated?")
    assert present.answered and not present.partial and present.message != reply.message
    assert BUTTON_ASK not in [b.text for row in render_reply(present, "t2").buttons for b in row]


@needs_shared
def test_the_same_reading_on_gard(gard_engine: Engine) -> None:
    assert (
        gard_engine.reply("j", "is marfan syndrome passed down from the father?").disease == "Marfan syndrome"
    )
    duchenne = gard_engine.reply(
        "k", "my son was just diagnosed with duchenne, how long do kids with it live?"
    )
    assert "Duchenne muscular dystrophy" in [c.title for c in duchenne.choices]
    hand_foot = gard_engine.reply("l1", "Is hand foot and mouth disease contagious? Daycare sent her home")
    assert hand_foot.kind is ReplyKind.ABSTAIN  # no family of "Split hand foot malformation" pages
    for generic in ("Are there financial assistance programs for families with rare diseases?",
                    "what does autosomal dominant mean"):  # fmt: skip
        assert gard_engine.reply("l3", generic).kind is ReplyKind.ABSTAIN, generic
    batten = gard_engine.reply("l4", "is there a cure for batten")  # a partial name BM25 doesn't back
    assert batten.message == messages.CHOOSE_BY_WORD
    assert [c.doc_id for c in batten.choices] == ["0004383", "0004277"]  # Batten disease, Batten Turner
    tuberous = gard_engine.reply("l2", "tuberous sclerosis")  # type 1 or type 2: BM25 doesn't decide
    assert [c.title for c in tuberous.choices] == ["Tuberous sclerosis, type 1", "Tuberous sclerosis, type 2"]
    gaucher = gard_engine.reply("l", "Can Gaucher disease be cured with enzyme replacement?")
    assert gaucher.partial and gaucher.message.startswith(  # the page names no enzyme anywhere (issue 17)
        "GARD's page on Gaucher disease doesn't say anything about enzyme replacement."
    )


def test_boilerplate_and_repeats_are_never_quoted(engine: Engine) -> None:
    reply = engine.reply("m", "What are the symptoms of Gaucher disease?")
    assert [e.text for e in reply.excerpts] == [
        "Signs of Gaucher disease include an enlarged liver and spleen."
    ]
    becker = engine.reply("n", "What is Becker muscular dystrophy?")
    assert [e.text for e in becker.excerpts] == [
        "Becker muscular dystrophy is a milder form of muscular dystrophy."
    ]
    assert engine.reply("n", "more").message == messages.NO_MORE


def test_a_bare_what_is_opens_the_overview(engine: Engine) -> None:
    """Within a page the name is everywhere: the passage repeating "FOP" most is no better."""
    for question in ("what is FOP?", "What is fibrodysplasia ossificans progressiva"):
        reply = engine.reply("q", question)
        assert reply.excerpts[0].text.startswith("Fibrodysplasia ossificans progressiva (FOP) is a disorder")


def test_a_symptom_table_is_quoted_from_its_start(engine: Engine) -> None:
    """The word "symptom" chose the section; it doesn't pick the table's tail, where it recurs.
    The table is shown as a list of its features, from its start, one a line (test_compose)."""
    reply = engine.reply("r", "sicca syndrome symptoms")
    excerpt = reply.excerpts[0]
    assert excerpt.listed and excerpt.parts[:2] == ("Dryness of part 0", "Dryness of part 1")
    assert excerpt.display.startswith("• Dryness of part 0\n• Dryness of part 1\n")
    assert "• Dryness of part 1\n" in render_reply(reply, "t3").parts[0]


def test_a_heading_is_not_an_answer(engine: Engine) -> None:
    reply = engine.reply("u", "what are the signs of bell's palsy")
    assert reply.excerpts[0].text == "Bell's palsy is a form of temporary facial paralysis."
    assert reply.message.startswith("The page on Bell's palsy has no section on symptoms")


def test_a_misspelling_finds_no_family(engine: Engine) -> None:
    assert engine.reply("v", "what causes crones disease").kind is ReplyKind.ABSTAIN
    assert engine.reply("v", "what causes cone dystrophy").disease == "Cone dystrophy"


def test_the_section_quoted_instead_is_named(engine: Engine) -> None:
    reply = engine.reply("o", "What causes SMA 3?")
    assert reply.disease == "Spinal muscular atrophy type 3" and reply.partial
    assert reply.message.splitlines() == [  # the name asked, connected to the page's (issue 17)
        messages.OTHER_NAME.format(asked="SMA 3", title="Spinal muscular atrophy type 3"),
        messages.NO_SECTION_OTHER.format(
            title="Spinal muscular atrophy type 3", section="causes", other="symptoms"
        ),
    ]
    assert "Human Phenotype Ontology" not in reply.excerpts[0].text


@pytest.mark.parametrize(
    "question", ["what is the treatment for SMA type 1", "what is the treatment for type 1"]
)
def test_another_number_is_another_disease(engine: Engine, question: str) -> None:
    assert engine.reply("p", question).kind is ReplyKind.ABSTAIN


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Is there a test for Huntington's disease before symptoms start?", "exams and tests"),
        ("can it be treated before symptoms appear", "treatment"),
        ("When do symptoms start?", "symptoms"),
        ("what are the symptoms after treatment", "symptoms"),
        ("my husband has been diagnosed with hemochromatosis, could our kids get it too", "inheritance"),
        ("My son was diagnosed with FOP. What are the treatments?", "treatment"),
        ("How is Alport syndrome diagnosed?", "exams and tests"),
        ("My daughter gets headaches, what causes that?", "causes"),
    ],
)
def test_a_time_clause_sets_the_scene_and_the_main_clause_asks(question: str, wanted: str) -> None:
    assert main_type(question_types(question)) == wanted


@pytest.mark.parametrize(
    "question",
    [
        "¿Qué tratamientos hay para la enfermedad de Gaucher?",
        "Que es la enfermedad de Gaucher y como se trata",  # no accents: few English function words
        "Qu'est-ce que la maladie de Gaucher ?",
        "Что такое болезнь Гоше?",
        "戈谢病是什么？",
    ],
)
def test_another_language_is_told_the_bot_reads_english(engine: Engine, question: str) -> None:
    reply = engine.reply("s", question)
    assert reply.message.startswith(messages.ENGLISH_ONLY)


@pytest.mark.parametrize(
    "question",
    ["What is FOP?", "tietze", "ok 👍", "my son has FOP 😢 what is it", "LPHS pain management options?"],
)
def test_english_is_not_mistaken_for_another_language(engine: Engine, question: str) -> None:
    assert messages.ENGLISH_ONLY not in engine.reply("t", question).message


@pytest.mark.parametrize(
    "typed", ["22q11.2 deletion syndrome", "22q11 deletion syndrome", "22Q11.2 Deletion Syndrome"]
)
def test_a_chromosome_bands_sub_band_is_no_type_number(typed):
    """ "22q11.2" is in band 22q11, however it is written: its ".2" is no type number that would
    make "22q11 deletion syndrome" another disease (question_words.SUB_BAND)."""
    assert name_words(typed) == ["22q11", "deletion", "syndrome"]
    assert read_question(f"Is {typed} inherited?").words[1:4] == ["22q11", "deletion", "syndrome"]


@pytest.mark.parametrize(
    ("positions", "typed"),
    [
        ({0, 1}, {0, 1}),  # before the abbreviation
        ({2, 3, 4}, {2}),  # the words written out stand for the abbreviation typed
        ({2, 5}, {2, 3}),  # after them, back where the question typed them
    ],
)
def test_positions_of_a_spelt_out_reading_as_typed(positions: set[int], typed: set[int]) -> None:
    """'i have melas syndrome' read with "melas" as three words: "syndrome" stands at 5, typed at 3."""
    base = read_question("i have melas syndrome")
    reading = replace(
        base,
        words=["i", "have", "mitochondrial", "encephalomyopathy", "lactic", "syndrome"],
        spelt_out=(2, 1, 3),
    )
    assert reading.typed_positions(positions) == typed


@pytest.mark.parametrize(
    ("typed", "upper", "all_lower", "capitalized"),
    [
        # all in capitals: no word is marked as an acronym or a name by its case
        ("ARE THERE TREATMENTS FOR DE BARSY SYNDROME?", set(), True, False),
        # a short message in capitals keeps them: it may be acronyms alone
        ("FOP?", {"fop"}, False, False),
        ("ALS FTD", {"als", "ftd"}, False, True),
        # one lower-case letter and the capitals count
        ("Is PNH inherited?", {"pnh"}, False, True),
    ],
)
def test_a_message_typed_in_capitals_is_read_without_them(
    typed: str, upper: set[str], all_lower: bool, capitalized: bool
) -> None:
    read = read_question(typed)
    assert (read.upper, read.all_lower, any(read.capitalized)) == (upper, all_lower, capitalized)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # chat shorthand typed in lower case is the word it stands for
        ("pls send me anything u have abt it", "please send me anything you have about it"),
        # ... not typed in capitals, where it may be an abbreviation, nor inside a word
        ("Is PLS inherited? What about u-turns?", "Is PLS inherited? What about u-turns?"),
        # punctuation typed against the next word, or a bracket against the last, stands apart
        ("Ollier disease,I have read that", "Ollier disease, I have read that"),
        ("fever(FMF)", "fever (FMF)"),
        # ... not in numbers or bands
        ("1,000 people with 17q21.31", "1,000 people with 17q21.31"),
        # a message typed all in capitals is read in lower case; a short one keeps them
        ("IS MARFAN SYNDROME INHERITED?", "is marfan syndrome inherited?"),
        ("FOP?", "FOP?"),
    ],
)
def test_as_read(typed: str, read: str) -> None:
    assert as_read(typed) == read
