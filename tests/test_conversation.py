"""Conversation state: a dataclass that round-trips through the stores (old saves too), and a chat
is never quoted the same passage or sentence twice about one disease, by "more" or a follow-up."""

from __future__ import annotations

import re

import pytest
from corpus_fixture import PAGES, write_corpus

from answers import messages
from answers.conversation import ConversationState
from answers.engine import Engine, MemoryConversations
from answers.reply import Reply
from answers.settings import EngineSettings
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher
from store import open_store

# Sentences of a long overview: more than one passage, and neighbouring passages share a sentence.
OVERVIEW = [
    f"Hallbrook syndrome {fact}."
    for fact in (
        "is a rare condition that affects the joints of the knees, elbows and fingers in early childhood",
        "was first described in two brothers whose knees stiffened before they were three years old",
        "usually begins with painless swelling around the knees that slowly limits how far they bend",
        "later affects the elbows, and many children cannot fully straighten their arms by school age",
        "does not affect intelligence, and most children with the condition attend ordinary schools",
        "is thought to affect fewer than one in a million people, although mild cases may be missed",
        "can be mistaken for juvenile arthritis because both cause swollen joints in young children",
        "differs from arthritis in that blood tests for inflammation are normal in affected children",
        "is confirmed by X-rays that show thickened joint capsules without damage to the bone itself",
        "has no cure, but physical therapy helps many children keep the joints moving for longer",
        "progresses slowly, and adults with the condition usually walk without help into old age",
        "is the subject of a small registry that collects information from families around the world",
    )
]
ORLEN_LONG = (
    "Orlen syndrome is a rare condition that affects the skin, the hair, the nails and the teeth, "
    + ", ".join(
        f"with {feature}"
        for feature in (
            "thin and sparse hair on the scalp that grows slowly and breaks easily from early childhood",
            "nails that are small, thick or ridged and may be missing on some fingers or toes",
            "teeth that are few, small or pointed and come in later than in other children",
            "and dry skin that peels and may crack on the hands and the soles of the feet",
        )
    )
    + "."
)  # 450 characters: with the next sentence, more than a short reply's excerpt can hold
ORLEN_CAUSE = "Orlen syndrome is caused by changes in the ORL1 gene, which helps skin, hair, nails and teeth form before birth."
PELLIN_FEATURES = [
    "Conductive hearing impairment", "Deeply set eye", "Ptosis", "Myopia", "Cataract", "Glaucoma",
    "Low-set ears", "Preauricular pit", "Hearing impairment", "Strabismus",
]  # fmt: skip
KESSEL_FEATURES = [f"{part} {organ}" for organ in ("of the eye", "of the ear", "of the hand") for part in (
    "Abnormality", "Aplasia", "Hypoplasia", "Duplication", "Malformation", "Enlargement", "Narrowing",
    "Shortening", "Absence", "Fusion",
)]  # fmt: skip
EXTRA_PAGES = [
    {
        "id": "0009001",
        "url": "https://rarediseases.info.nih.gov/gard/9001/hallbrook-syndrome",
        "focus": "Hallbrook syndrome",
        "synonyms": [],
        "sections": [
            ("information", "What is (are) Hallbrook syndrome ?", " ".join(OVERVIEW)),
            # GARD pages often open a section by repeating the overview's first sentences.
            ("symptoms", "What are the signs and symptoms of Hallbrook syndrome ?",
             f"{OVERVIEW[0]} {OVERVIEW[2]} Some children with Hallbrook syndrome also have flat feet and stiff ankles."),
        ],
    },
    {
        "id": "0009002",
        "url": "https://rarediseases.info.nih.gov/gard/9002/sennet-disease",
        "focus": "Sennet disease",
        "synonyms": [],
        "sections": [  # a page that repeats a section word for word
            ("information", "What is (are) Sennet disease ?",
             "Sennet disease is a rare disorder of the small blood vessels of the skin. It causes purple patches on the legs that come and go."),
            ("information", "What is (are) Sennet disease ?",
             "Sennet disease is a rare disorder of the small blood vessels of the skin. It causes purple patches on the legs that come and go."),
        ],
    },
    {
        "id": "0009003",
        "url": "https://rarediseases.info.nih.gov/gard/9003/orlen-syndrome",
        "focus": "Orlen syndrome",
        "synonyms": [],
        "sections": [  # one long sentence, then the cause: an excerpt of both is cut in the cause
            ("information", "What is (are) Orlen syndrome ?", f"{ORLEN_LONG} {ORLEN_CAUSE}"),
        ],
    },
    {
        "id": "0009004",
        "url": "https://rarediseases.info.nih.gov/gard/9004/pellin-syndrome",
        "focus": "Pellin syndrome",
        "synonyms": [],
        "sections": [  # symptoms: nothing but a phenotype table of ten features
            ("information", "What is (are) Pellin syndrome ?", "Pellin syndrome is a rare disorder of the eyes and ears."),
            ("symptoms", "What are the signs and symptoms of Pellin syndrome ?",
             "Signs and Symptoms Approximate number of patients (when available) " + " ".join(f"{f} -" for f in PELLIN_FEATURES)),
        ],
    },
    {
        "id": "0009005",
        "url": "https://rarediseases.info.nih.gov/gard/9005/kessel-syndrome",
        "focus": "Kessel syndrome",
        "synonyms": [],
        "sections": [  # symptoms: a table of thirty features, longer than one passage
            ("symptoms", "What are the signs and symptoms of Kessel syndrome ?",
             "Signs and Symptoms Approximate number of patients (when available) " + " ".join(f"{f} 50%" for f in KESSEL_FEATURES)),
        ],
    },
]  # fmt: skip


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("conversation")
    corpus = write_corpus(root / "corpus", [*PAGES, *EXTRA_PAGES])
    return Searcher(open_index(CorpusSelection(corpus), root / "index", progress=False))


def sentences(reply: Reply) -> list[str]:
    """The sentences a reply quotes (a cut one by its start)."""
    return [
        s.strip().rstrip("…")
        for e in reply.excerpts
        for part in e.parts
        for s in re.split(r"(?<=[.!?])\s+", part)
        if s.strip()
    ]


def talk(engine: Engine, chat: str, lines: list[str]) -> list[Reply]:
    replies = [engine.reply(chat, line) for line in lines]
    for reply in replies:
        for excerpt in reply.excerpts:  # verbatim, as every answer
            passage = engine._passage(excerpt.citation.passage_id)
            assert passage is not None and all(part in passage.text for part in excerpt.parts)
    return replies


def assert_nothing_twice(replies: list[Reply]) -> None:
    quoted: list[str] = []
    for reply in replies:
        for sentence in sentences(reply):
            assert not any(sentence.startswith(q) or q.startswith(sentence) for q in quoted), sentence
        quoted.extend(sentences(reply))


def assert_nothing_new(reply: Reply) -> None:
    assert reply.message == messages.NO_MORE and not reply.excerpts
    assert reply.can_forward and reply.disease  # the specialist is offered, told which disease


@pytest.mark.parametrize(
    ("lines", "last_is_new"),
    [
        # "more" walks on to another section, then has nothing left
        (["What causes IMT?", "more"], True),
        (["What causes IMT?", "more", "more"], False),
        # a follow-up that the overview already answered gets no second copy of it
        (["what is IMT?", "how common is it?"], False),
        # ... and "more" after it still offers what was not shown
        (["what is IMT?", "how common is it?", "more"], True),
        # an answer that fell back to the overview; "more" goes on from there, never back
        (["how is Tietz syndrome treated?", "more"], True),
        (["how is Tietz syndrome treated?", "more", "more"], False),
        # re-asking what was answered
        (["FOP symptoms?", "is it inherited?", "what are its symptoms?"], False),
        # a section that opens with the overview's sentences: only its new sentence is quoted
        (["what is Hallbrook syndrome?", "what are its symptoms?"], True),
        # overlapping passages of one long overview share a sentence, shown once
        (["what is Hallbrook syndrome?", "more", "more", "more"], None),
        # a page that repeats a section word for word
        (["how is Sennet disease treated?", "more"], False),
        (["what is Sennet disease?", "tell me more"], False),
    ],
    ids=[
        "more-other-section",
        "more-then-nothing",
        "follow-up-overview-again",
        "more-after-follow-up",
        "fallback-then-more",
        "fallback-more-more",
        "re-asked",
        "section-repeats-overview",
        "overlapping-passages",
        "repeated-section-after-fallback",
        "repeated-section-more",
    ],
)
def test_a_chat_is_never_shown_the_same_excerpt_twice(searcher, lines, last_is_new):
    engine = Engine(searcher, settings=EngineSettings(max_excerpts=1))
    replies = talk(engine, "chat", lines)
    assert replies[0].answered
    assert_nothing_twice(replies)
    if last_is_new is True:
        assert replies[-1].answered
    elif last_is_new is False:
        assert_nothing_new(replies[-1])


def test_what_was_shown_is_kept_only_for_the_disease_under_discussion(searcher):
    engine = Engine(searcher)
    first = engine.reply("c", "what is IMT?")
    engine.reply("c", "what is Tietze syndrome?")
    engine.reply("c", "what is IMT?")  # back to IMT: a new topic, shown afresh ...
    again = engine.reply("c", "what is it?")  # ... so it's the follow-up that has seen it all
    assert again.message == messages.NO_MORE
    assert engine.reply("c", "what is Tietze syndrome?").answered
    assert sentences(engine.reply("c", "what is IMT?")) == sentences(first)


def test_a_question_naming_the_disease_again_is_answered_again(searcher):
    """Asking anew by name is no follow-up: the user gets the answer, seen or not, and "more"
    still skips everything shown so far."""
    engine = Engine(searcher)
    first = engine.reply("n", "What causes IMT?")
    engine.reply("n", "what is it?")
    again = engine.reply("n", "What causes inflammatory myofibroblastic tumor?")
    assert again.answered and sentences(again) == sentences(first)
    assert engine.reply("n", "more").message == messages.NO_MORE


def test_the_overview_follow_up_that_gets_only_new_sentences(searcher):
    engine = Engine(searcher)
    overview = engine.reply("h", "what is Hallbrook syndrome?")
    symptoms = engine.reply("h", "what are its symptoms?")
    assert symptoms.answered and symptoms.excerpts[0].citation.section == "Symptoms"
    assert sentences(symptoms) == [
        "Some children with Hallbrook syndrome also have flat feet and stiff ankles."
    ]
    assert OVERVIEW[0] in sentences(overview)


# --- the state itself -------------------------------------------------------------------------

OLD_STATE = {  # what the engine saved before ConversationState: no "quoted"
    "doc_id": "0003208",
    "question": "What causes IMT?",
    "qtype": "causes",
    "ranked": ["GARD-0003208-2-0", "GARD-0003208-1-0"],
    "shown": ["GARD-0003208-2-0"],
    "pending_question": "usher syndrome symptoms",
    "pending_choices": ["0004451", "0004452"],
    "updated_at": 1000.0,
}


@pytest.mark.parametrize(
    ("saved", "expected"),
    [
        (OLD_STATE, ConversationState(**OLD_STATE)),
        ({**OLD_STATE, "quoted": ["A sentence."]}, ConversationState(**OLD_STATE, quoted=["A sentence."])),
        ({"doc_id": "0003208", "someday": "a key from a later version"}, ConversationState(doc_id="0003208")),
        ({"shown": "not a list", "updated_at": "soon", "qtype": None}, ConversationState()),
        (None, ConversationState()),
        ({}, ConversationState()),
    ],
)
def test_state_from_saved_dicts(saved, expected):
    assert ConversationState.from_dict(saved) == expected


def test_state_round_trips_as_json_through_sqlite(tmp_path):
    state = ConversationState("0003208", "what is IMT?", "information", ["a", "b"], ["a"], ["It is rare."])
    store = open_store(str(tmp_path / "gardbot.sqlite3"))
    try:
        store.save_conversation("chat:1", state.to_dict())
        assert ConversationState.from_dict(store.load_conversation("chat:1")) == state
    finally:
        store.close()


def test_a_state_saved_by_the_old_code_still_works(searcher):
    conversations = MemoryConversations()
    conversations.save_conversation("old", OLD_STATE)
    engine = Engine(searcher, conversations, clock=lambda: 1000.0 + 60)
    more = engine.reply("old", "more")
    assert more.answered and more.excerpts[0].citation.passage_id == "GARD-0003208-1-0"
    assert engine.reply("old", "2").disease == "Usher syndrome type 2"  # the pending choice
    saved = conversations.load_conversation("old")
    assert saved is not None and set(saved) == set(ConversationState().to_dict())


def test_the_engine_saves_plain_dicts_with_what_was_quoted(searcher):
    conversations = MemoryConversations()
    engine = Engine(searcher, conversations)
    reply = engine.reply("s", "What causes IMT?")
    saved = conversations.load_conversation("s")
    assert isinstance(saved, dict) and saved["doc_id"] == "0003208"
    assert saved["shown"] == ["GARD-0003208-2-0"]
    assert saved["quoted"] == [s for s in sentences(reply)]


# --- a new topic, and what a cut excerpt left unshown ------------------------------------------

SHORT_REPLIES = EngineSettings(max_chars=800)  # Orlen's overview ends after its first sentence


def test_a_sentence_left_out_of_a_short_reply_is_quoted_by_a_follow_up(searcher):
    """A part over the budget ends at its last whole sentence, never cut mid-way with "…": the
    sentence it leaves out was not shown, so "what causes it?" quotes it (the page has no
    causes section; the overview it already quoted stands in)."""
    engine = Engine(searcher, settings=SHORT_REPLIES)
    first = engine.reply("cut", "What is Orlen syndrome?")
    assert first.answered and not first.excerpts[0].truncated_end
    assert first.excerpts[0].parts == (ORLEN_LONG,) and "…" not in first.excerpts[0].text
    causes = engine.reply("cut", "What causes it?")
    assert causes.answered and ORLEN_CAUSE in causes.excerpts[0].parts
    assert ORLEN_LONG not in causes.excerpts[0].text  # what was shown whole is not shown again
    assert_nothing_new(engine.reply("cut", "more"))


def test_more_shows_what_a_cut_excerpt_left_out(searcher):
    engine = Engine(searcher, settings=SHORT_REPLIES)
    engine.reply("cut-more", "What is Orlen syndrome?")
    more = engine.reply("cut-more", "more")
    assert more.answered and more.excerpts[0].parts == (ORLEN_CAUSE,)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            "What is Zorbland fever?", messages.NO_PAGE.format(name="Zorbland fever"), id="unknown-disease"
        ),
        pytest.param("asdkjh qwe", messages.CLARIFY, id="gibberish"),  # asked back, as in a new chat
        pytest.param("help", messages.HELP, id="help"),
    ],
)
def test_a_message_that_starts_a_new_topic_gets_no_nothing_more(searcher, message, expected):
    """After a disease was discussed, a message naming a disease with no page, one with no word
    the pages use, or "help" is answered as in a new chat, not with "that's everything I have"
    about the disease before."""
    engine = Engine(searcher)
    assert engine.reply("topic", "What is Hallbrook syndrome?").answered
    reply = engine.reply("topic", message)
    assert reply.message == expected and not reply.excerpts


def test_after_no_page_it_is_not_the_disease_before(searcher):
    engine = Engine(searcher)
    assert engine.reply("gone", "What is Hallbrook syndrome?").answered
    assert engine.reply("gone", "Is Zorbland syndrome inherited?").reason == "no_page"
    assert engine.reply("gone", "what causes it?").message == messages.WHICH_DISEASE


def test_a_list_with_items_left_is_the_last_excerpt_of_its_reply(searcher):
    """A long table spans passages: the next passage's features don't follow a list that ends
    in "…" (they would read as its rest, out of order); "more" lists them."""
    engine = Engine(searcher)
    first = engine.reply("long", "What are the symptoms of Kessel syndrome?")
    assert first.answered and first.excerpts[-1].listed
    assert all(not e.truncated_end for e in first.excerpts[:-1])
    assert engine.reply("long", "more").excerpts[0].listed


def test_a_phenotype_table_is_listed_and_more_lists_the_rest(searcher):
    engine = Engine(searcher)
    first = engine.reply("table", "What are the symptoms of Pellin syndrome?")
    assert first.answered and first.excerpts[0].listed and first.excerpts[0].truncated_end
    more = engine.reply("table", "more")
    assert more.answered and more.excerpts[0].listed
    assert [*first.excerpts[0].parts, *more.excerpts[0].parts] == PELLIN_FEATURES
    after = engine.reply("table", "more")  # then on to the overview, no feature twice
    assert after.excerpts[0].citation.section == "Overview"
