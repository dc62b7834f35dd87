"""Published staff answers inside the engine: de-identification, ranking against page passages,
withdrawal, re-publishing, verbatim quoting, and the store's schema upgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_backends import Backend

from answers.engine import Engine
from answers.reply import ReplyKind
from corpus.published import (
    Asker,
    Deidentified,
    Deidentifier,
    PublishedQA,
    safe_topic,
    staff_passage,
)
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher
from store.migrations import statements

ROLE = "GARD information specialist"
T0 = 1_764_000_000.0  # 24 November 2025
JOBS_Q = "Can my employer fire me for missing work because of a rare disease?"
JOBS_A = "In the United States, the Americans with Disabilities Act may protect you. Ask JAN for advice."
TIETZE_Q = "Is there a support group for Tietze syndrome in Ohio?"
TIETZE_A = "We know of no group in Ohio. The Costochondritis Support Group meets online."


@pytest.fixture
def engine(small_corpus: Path, tmp_path: Path) -> Engine:
    """An engine of its own: publishing changes the index, so the session's can't be shared."""
    return Engine(Searcher(open_index(CorpusSelection(small_corpus), tmp_path, progress=False)))


def qa(n: int, question: str, answer: str, doc_id: str | None = None, disease: str | None = None):
    return PublishedQA(n, question, answer, ROLE, T0, doc_id, disease)


def staff_ids(engine: Engine, question: str) -> list[str]:
    return [r.passage.passage_id for r in engine.search(question).results if r.passage.kind == "staff"]


# --------------------------------------------------------------------------- de-identification


def test_the_answer_loses_the_greeting_the_askers_name_and_ids() -> None:
    text = "Dear Zebulon,\n\nthanks for writing, zebulon. Your id 918273645 is on file. Call 1-888-205-2311."
    asker = Asker(("Zebulon",), (918273645,))
    out = Deidentifier().answer(text, asker, Deidentifier().question("", asker))
    assert out.text == "Thanks for writing, [name]. Your id [id] is on file. Call 1-888-205-2311."
    assert Deidentifier().answer("Hi Al thanks for asking", Asker(("Al",)), Deidentified("")).text == (
        "Hi [name] thanks for asking"
    )
    assert Deidentifier().answer("A is for apple.", Asker(("A",), (7,)), Deidentified("")).text == (
        "A is for apple."  # too short to be sure
    )


def test_contacts_typed_into_a_question_are_left_out_and_disease_ids_stay() -> None:
    question = "Reply to ana.perez+gard@mail.example.org or +1 (555) 123-4567, or 0612 34 56 78 please."
    out = Deidentifier().question(question, Asker())
    assert out.text == "Reply to [email] or [phone], or [phone] please."
    kept = "Is type 2 linked to 22q11.2 deletion? It affects 1 in 10,000 people since 2019 (OMIM 123456)."
    assert Deidentifier().question(kept, Asker()).text == kept


# --------------------------------------------------------------------------- Safe Harbor

DISEASE_WORDS = {"tietze", "syndrome", "ehlers", "danlos", "fabry", "disease", "marfan", "wilson"}
SAFE_HARBOR = Deidentifier(lambda word: word.lower() in DISEASE_WORDS)
ASKER = Asker(("Maria", "Okafor", "mokafor"), (918273645,))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # names: the profile, @username, after kin words, titles, introductions; unknown
        # capitalised words; known person names inside a sentence
        ("Maria Okafor here, also @mokafor.", "[name] here, also [name]."),
        ("My son Liam Okafor, 4, has Tietze syndrome.", "My son [name], [age], has Tietze syndrome."),
        ("Our daughter Rose asked Dr. Patel.", "Our daughter [name] asked Dr. [name]."),
        ("Hi, I'm Zebulon. My name is Grace Lee.", "Hi, I'm [name]. My name is [name]."),
        ("I am Worried about Wilson disease.", "I am Worried about Wilson disease."),
        ("Does it affect Xanthippe too?", "Does it affect [name] too?"),
        ("Can Emma travel with Marfan syndrome?", "Can [name] travel with Marfan syndrome?"),
        ("Will it hurt? Liam asks.", "Will it hurt? [name] asks."),
        # places smaller than a state; states and countries stay
        ("We live in Boise, Idaho, near Smalltown.", "We live in [place], Idaho, near [place]."),
        ("Is there a clinic in Ohio or in Canada?", "Is there a clinic in Ohio or in Canada?"),
        ("We are at 42 Elm Street in Ada County.", "We are at [place] in [place]."),
        # dates but the year; ages
        ("Diagnosed on March 3, 2024, seen 3/4/2021.", "Diagnosed on [date], seen [date]."),
        ("Seen 2021-03-04 and again in March, since 2019.", "Seen [date] and again in [date], since 2019."),
        ("My 12-year-old, aged 7 months, is 12. I'm 34.", "My [age], aged [age], is [age]. I'm [age]."),
        # contact details and numbers
        ("Mail maria@example.org or call (208) 555-0199.", "Mail [email] or call [phone]."),
        ("Or +44 20 7946 0958, or www.example.org/me.", "Or [phone], or [link]."),
        ("SSN 123-45-6789, MRN is 8839201, IP 10.0.0.12.", "SSN [number], MRN is [number], IP [number]."),
        # what is no identifier stays
        (
            "Is Tietze syndrome rare? GARD and NIH say 1 in 5,000.",
            "Is Tietze syndrome rare? GARD and NIH say 1 in 5,000.",
        ),
        ("Is Castellane fever contagious?", "Is Castellane fever contagious?"),
        ("Is type 2 linked to 22q11.2 deletion?", "Is type 2 linked to 22q11.2 deletion?"),
    ],
)
def test_safe_harbor_identifiers_are_left_out_of_a_question(question: str, expected: str) -> None:
    assert SAFE_HARBOR.question(question, ASKER).text == expected


def test_the_answer_loses_the_greeting_and_what_the_question_named_but_keeps_gard_contacts() -> None:
    question = SAFE_HARBOR.question("My son Liam, 4, from Boise has Fabry disease.", ASKER)
    answer = SAFE_HARBOR.answer(
        "Dear Maria, Liam can stay in school in Boise. Call GARD at 1-888-205-2311 or see www.example.org.",
        ASKER,
        question,
    )
    assert (
        answer.text
        == "[name] can stay in school in [place]. Call GARD at 1-888-205-2311 or see www.example.org."
    )
    assert sorted(answer.removed) == ["name", "place"]


def test_a_topic_read_from_the_question_is_offered_only_when_it_names_nobody() -> None:
    question = SAFE_HARBOR.question("My son Liam Okafor, 4, has Castellane fever.", ASKER, "Liam Okafor, 4")
    assert safe_topic("Liam Okafor, 4", question) is None
    question = SAFE_HARBOR.question("Is Castellane fever contagious?", ASKER, "Castellane fever")
    assert safe_topic("Castellane fever", question) == "Castellane fever"


# --------------------------------------------------------------------------- ranking


def test_a_published_answer_without_a_disease_answers_similar_questions(engine: Engine) -> None:
    assert engine.reply("u", JOBS_Q).kind is ReplyKind.ABSTAIN
    engine.publish(qa(1, JOBS_Q, JOBS_A))
    for question in (JOBS_Q, "Can an employer fire someone who misses work due to a rare disease?"):
        reply = engine.reply("u", question)
        assert reply.kind is ReplyKind.ANSWER, question
        assert reply.excerpts[0].text == JOBS_A
        cite = reply.excerpts[0].citation
        assert cite.note == "Answered by staff on 24 November 2025" and cite.url == ""
        assert cite.section == "Answered question"
        assert reply.message.startswith(f"A {ROLE} answered a question like yours on 24 November 2025")
    assert engine.reply("u", "Is a rare disease contagious?").kind is ReplyKind.ABSTAIN
    assert engine.reply("u", "What causes IMT?").disease == "Inflammatory myofibroblastic tumor"


def test_a_published_answer_under_a_page_goes_first_only_for_its_question(engine: Engine) -> None:
    doc_id, title = engine.find_disease("Tietze syndrome")
    engine.publish(qa(2, TIETZE_Q, TIETZE_A, doc_id, title))
    reply = engine.reply("u", "Are there Tietze syndrome support groups near Ohio?")
    assert reply.excerpts[0].text == TIETZE_A
    assert reply.excerpts[0].citation.url.endswith("tietze-syndrome")
    assert len(reply.excerpts) == 1 and reply.has_more  # the page follows on "more"
    more = engine.reply("u", "more")
    assert more.excerpts and all(e.citation.section != "Answered question" for e in more.excerpts)

    treatment = engine.reply("v", "How is Tietze syndrome treated?")
    assert "pain management" in treatment.excerpts[0].text
    other = engine.reply("w", "What causes Tietz syndrome?")  # another disease
    assert other.disease == "Tietz syndrome" and TIETZE_A not in other.to_text()


def test_withdrawn_and_replaced_answers_are_never_shown(engine: Engine) -> None:
    engine.publish(qa(1, JOBS_Q, JOBS_A))
    assert engine.unpublish(1) and not engine.unpublish(1)
    assert staff_ids(engine, JOBS_Q) == []
    assert engine.reply("u", JOBS_Q).kind is ReplyKind.ABSTAIN

    engine.publish(qa(1, JOBS_Q, JOBS_A))  # published again: a fresh passage
    engine.publish(qa(1, JOBS_Q, "Edited: the ADA may protect you."))  # edited in place
    assert staff_ids(engine, JOBS_Q) == ["staff-1.3"]
    assert engine.reply("u", JOBS_Q).excerpts[0].text == "Edited: the ADA may protect you."


def test_a_topic_staff_named_is_found_by_its_name(engine: Engine) -> None:
    assert engine.find_disease("Castellane fever") is None
    engine.publish(
        qa(
            3,
            "Is Castellane fever contagious?",
            "Castellane fever is not contagious.",
            None,
            "Castellane fever",
        )
    )
    reply = engine.reply("u", "what is castellane fever")
    assert reply.kind is ReplyKind.ANSWER and reply.excerpts[0].text == "Castellane fever is not contagious."
    assert reply.excerpts[0].citation.title == "Castellane fever"
    engine.unpublish(3)  # its name no longer leads anywhere
    assert engine.reply("v", "what is castellane fever").kind is ReplyKind.ABSTAIN


def test_find_disease_needs_a_near_complete_name(engine: Engine) -> None:
    assert engine.find_disease("tietze syndrome") == ("0006123", "Tietze syndrome")
    assert engine.find_disease("Is there a support group for Tietze syndrome?")[1] == "Tietze syndrome"
    assert engine.find_disease("a syndrome") is None


def test_a_long_staff_answer_is_quoted_from_its_start_in_whole_sentences(engine: Engine) -> None:
    answer = " ".join(
        f"Sentence number {i} explains one more point about work and rare disease." for i in range(40)
    )
    engine.publish(qa(1, JOBS_Q, answer))
    excerpt = engine.reply("u", JOBS_Q).excerpts[0]
    assert answer.startswith(excerpt.parts[0]) and excerpt.parts[0].endswith(".")
    assert excerpt.truncated_end and len(excerpt.text) <= engine.settings.max_chars


def test_staff_passage_carries_no_asker_fields() -> None:
    passage = staff_passage(qa(9, "q", "a"), None)
    assert passage.extra == {
        "note": "Answered by staff on 24 November 2025",
        "ticket": 9,
        "role": ROLE,
        "published_at": T0,
    }
    assert (passage.doc_id, passage.kind, passage.qtype) == ("staff-9", "staff", "staff_answer")


# --------------------------------------------------------------------------- store


def test_a_version_1_database_is_upgraded_and_keeps_its_published_answers(backend: Backend) -> None:
    dialect = "sqlite" if backend.name == "sqlite" else "postgresql"
    backend.execute(
        *statements(0, dialect),
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (1)",
        "INSERT INTO tickets (first_name, question, candidates, status, created_at) "
        "VALUES ('A', 'q', '[]', 'answered', 0)",
        "INSERT INTO published VALUES (1, 'q', 'a', 'Tietze syndrome', 'r', 0, 0, NULL)",
    )
    store = backend.open()
    [old] = store.list_published()
    assert (old.question, old.disease, old.doc_id) == ("q", "Tietze syndrome", None)
    again = store.publish(1, "q", "a2", "Tietze syndrome", "r", doc_id="0006123")
    assert again.doc_id == "0006123" and store.get_published(1) == again
