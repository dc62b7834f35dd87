"""The answer engine: verbatim excerpts, abstention, follow-ups, choices, small talk, bad input."""

import json
from dataclasses import replace

import pytest
from conftest import SHARED_EVAL, needs_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answers import messages
from answers.engine import Engine, _section_from_its_start
from answers.reply import ReplyKind
from answers.settings import EngineSettings
from corpus.models import Passage


def assert_verbatim(engine: Engine, reply) -> None:
    """Every part an exact slice of its cited passage: the index's, or a sibling page's (the same
    disease's page in another collection, retrieval/siblings.py)."""
    siblings = {p.passage_id: p for page in engine.searcher.sibling_pages(reply.doc_id or "") for p in page}
    for excerpt in reply.excerpts:
        position = engine.searcher.index.position.get(excerpt.citation.passage_id)
        passage = (
            engine.searcher.index.passages[position]
            if position is not None
            else siblings[excerpt.citation.passage_id]
        )
        for part in excerpt.parts:
            assert part and part in passage.text
        assert excerpt.citation.url == passage.url


def test_answer_quotes_the_right_section(small_engine):
    reply = small_engine.reply("a", "What causes IMT?")
    assert reply.kind is ReplyKind.ANSWER and reply.disease == "Inflammatory myofibroblastic tumor"
    assert "ALK gene" in reply.excerpts[0].text
    assert reply.excerpts[0].citation.section == "Causes"
    assert not any(part.endswith("?") for e in reply.excerpts for part in e.parts)
    assert reply.notice == messages.NOT_ADVICE
    assert_verbatim(small_engine, reply)
    assert len(reply.to_text()) <= 1300


def test_other_names_when_a_synonym_is_used(small_engine):
    reply = small_engine.reply("a", "what is inflammatory pseudotumor")
    assert reply.kind is ReplyKind.ANSWER
    assert "Inflammatory myofibroblastic tumor" in reply.other_names


def test_exact_name_beats_near_name(small_engine):
    assert small_engine.reply("a", "Is Tietz syndrome inherited?").disease == "Tietz syndrome"
    assert small_engine.reply("b", "how is tietze syndrome treated").disease == "Tietze syndrome"
    assert small_engine.reply("c", "teitze syndrome treatment").disease == "Tietze syndrome"


def test_follow_up_more_and_expiry(small_searcher):
    now = [1000.0]
    engine = Engine(small_searcher, clock=lambda: now[0])
    assert engine.reply("c", "FOP symptoms?").disease == "Fibrodysplasia ossificans progressiva"
    follow = engine.reply("c", "is it inherited?")
    assert follow.kind is ReplyKind.ANSWER and follow.excerpts[0].citation.section == "Inheritance"
    assert engine.reply("c", "what about type 2 diabetes?").kind is ReplyKind.ABSTAIN
    engine.reply("c", "What causes IMT?")
    more = engine.reply("c", "more")
    assert more.kind is ReplyKind.ANSWER and more.excerpts[0].citation.section == "Overview"
    now[0] += 31 * 60
    assert engine.reply("c", "is it inherited?").kind is not ReplyKind.ANSWER


def test_disambiguation_then_choice(small_engine):
    reply = small_engine.reply("d", "usher syndrome symptoms")
    assert reply.kind is ReplyKind.CHOOSE
    assert [c.title for c in reply.choices] == ["Usher syndrome type 1", "Usher syndrome type 2"]
    picked = small_engine.reply("d", "2")
    assert picked.kind is ReplyKind.ANSWER and picked.disease == "Usher syndrome type 2"
    again = small_engine.choose("d", reply.choices[0].doc_id)
    assert again.disease == "Usher syndrome type 1"


@pytest.mark.parametrize(
    ("answer", "picked"), [("type 2", "Usher syndrome type 2"), ("the first one", "Usher syndrome type 1")]
)
def test_a_choice_can_be_typed(small_engine, answer, picked):
    assert small_engine.reply("d2", "usher syndrome symptoms").kind is ReplyKind.CHOOSE
    assert small_engine.reply("d2", answer).disease == picked


def test_words_in_every_choice_pick_none(small_engine):
    small_engine.reply("d3", "usher syndrome symptoms")
    assert small_engine.reply("d3", "usher syndrome").kind is ReplyKind.CHOOSE


@pytest.mark.parametrize(
    "text",
    [
        "What is Hallbrook-Sennet syndrome?",
        "Castellane fever symptoms?",
        "hemorrhoids treatment at home?",
    ],
)
def test_abstains_on_unknown_conditions(small_engine, text):
    reply = small_engine.reply("e", text)
    assert reply.kind is ReplyKind.ABSTAIN and reply.can_forward and not reply.excerpts


@pytest.mark.parametrize("text", ["hi", "thanks!", "ok 👍", "who made this bot?", "Good morning"])
def test_small_talk_gets_fixed_replies(small_engine, text):
    reply = small_engine.reply("f", text)
    assert reply.kind is ReplyKind.SMALLTALK and not reply.excerpts and reply.message


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "the and of is", "🙂🙂🙂", "<b>bold</b> & <script>alert(1)</script>",
     "**FOP** _symptoms_ `code` [link](http://x)", "Что такое синдром Титце?", "什么是FOP", "\u0000\u200b"],
)  # fmt: skip
def test_bad_input_gets_a_sensible_reply(small_engine, text):
    reply = small_engine.reply("g", text)
    assert reply.message or reply.excerpts
    assert_verbatim(small_engine, reply)


@pytest.mark.slow  # 2 s: 60 hypothesis examples through the engine
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_never_raises(small_engine, text):
    reply = small_engine.reply("h", text)
    assert reply.kind in set(ReplyKind)
    assert_verbatim(small_engine, reply)


@needs_shared
def test_excerpts_verbatim_over_many_questions(gard_engine):
    rows = [json.loads(line) for line in SHARED_EVAL.read_text().splitlines() if line.strip()]
    answered = 0
    for row in rows:
        reply = gard_engine.reply(row["id"], row["question"])
        assert_verbatim(gard_engine, reply)
        assert len("\n".join(e.text for e in reply.excerpts)) <= 1200
        answered += reply.answered
    assert answered >= 100


@needs_shared
def test_inflammatory_myofibroblastic_acceptance(gard_engine):
    result = gard_engine.search("what causes inflammatory myofibroblastic tumor")
    assert (result.results[0].passage.doc_id, result.results[0].passage.qid) == (
        "0003208",
        "0003208-2",
    )


@needs_shared
def test_quality_on_dev_set(gard_engine):
    from evaluation.evaluate import evaluate, read_questions

    report = evaluate(gard_engine, read_questions(SHARED_EVAL))
    assert report.disease_hits / report.answerable >= 0.95
    assert report.section_hits / report.answerable >= 0.80
    assert report.correct_abstentions / report.should_abstain >= 0.85
    assert report.false_abstentions / report.answerable <= 0.05


# --- the ask (issue 17): answer what was asked, or say that the page doesn't --------------------


@needs_shared
def test_a_page_that_lacks_the_ask_says_so_first_and_offers_a_specialist(gard_searcher):
    gard_engine = Engine(gard_searcher, settings=EngineSettings(sibling_pages=False))
    reply = gard_engine.reply("ask1", "What is the life expectancy with Fabry disease?")
    assert reply.kind is ReplyKind.ANSWER and reply.unsaid and reply.partial and reply.can_forward
    first, *rest = reply.message.splitlines()
    assert first == messages.DOESNT_SAY.format(
        title="Fabry disease", what=messages.ASK_PHRASES["life expectancy"]
    )
    assert rest[-1] == messages.CLOSEST  # what follows is labelled, never passed off as the answer
    assert len(reply.excerpts) == 1  # the closest text is short: it is no answer
    assert reply.ask is not None and reply.ask.attribute == "life expectancy"
    assert reply.to_text().startswith(first)
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_what_gards_page_lacks_is_quoted_from_ghrs_page_on_the_same_disease(gard_engine):
    """With sibling pages (the default): the caveat, then GHR's page on Ollier disease, cited."""
    reply = gard_engine.reply("ask1", "What is the life expectancy with Ollier disease?")
    assert reply.message.splitlines()[0] == messages.DOESNT_SAY_SIBLING.format(
        title="Ollier disease", what=messages.ASK_PHRASES["life expectancy"], source="Genetics Home Reference"
    )
    assert reply.unsaid and reply.partial and reply.can_forward
    assert all(e.citation.url == "https://ghr.nlm.nih.gov/condition/ollier-disease" for e in reply.excerpts)
    assert any("normal lifespan" in part for e in reply.excerpts for part in e.parts)
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_a_siblings_sentence_that_only_touches_the_ask_is_not_quoted_as_its_answer(gard_engine):
    """GHR's Fabry page calls its complications life-threatening and gives no lifespan: GARD's
    own closest text is quoted after the caveat, not GHR's sentence as if it answered."""
    reply = gard_engine.reply("ask1b", "What is the life expectancy with Fabry disease?")
    assert reply.message.splitlines()[0].startswith(
        messages.DOESNT_SAY.format(title="Fabry disease", what=messages.ASK_PHRASES["life expectancy"])
    )
    assert all("ghr.nlm.nih.gov" not in e.citation.url for e in reply.excerpts)


@needs_shared
def test_the_risk_for_one_family_is_said_to_be_no_pages_and_a_specialist_offered(gard_engine):
    question = "Does a father who develops ALS in his late forties have an increased risk for his son?"
    reply = gard_engine.reply("ask-own", question)
    assert reply.kind is ReplyKind.ANSWER and reply.partial and reply.excerpts
    assert reply.message.splitlines()[0] == messages.OWN_RISK.format(title="Amyotrophic lateral sclerosis")
    plain = gard_engine.reply("ask-all", "Is amyotrophic lateral sclerosis inherited?")
    assert messages.OWN_RISK.format(title="Amyotrophic lateral sclerosis") not in plain.message


@needs_shared
def test_whether_one_person_has_it_is_said_to_be_no_pages_and_a_specialist_offered(gard_engine):
    reply = gard_engine.reply("own-case", "I wonder if she might have Tietz syndrome.")
    assert reply.kind is ReplyKind.ANSWER and reply.partial and reply.excerpts
    assert reply.message.splitlines()[0] == messages.OWN_CASE.format(title="Tietz syndrome")


@needs_shared
def test_research_a_page_carries_is_said_to_be_maybe_not_the_latest_and_a_specialist_offered(gard_engine):
    """A page is dated: a research ask it carries is quoted after a line saying newer work may
    exist, with a specialist offered (Engine._frame)."""
    reply = gard_engine.reply("research", "I am looking for recent information on ovarian carcinosarcoma.")
    assert reply.kind is ReplyKind.ANSWER and reply.partial and reply.excerpts
    assert reply.message.splitlines()[0] == messages.RESEARCH_DATED.format(title="Ovarian carcinosarcoma")
    assert "ifosfamide" in reply.excerpts[0].parts[0]


@needs_shared
def test_the_sentence_that_carries_the_ask_is_quoted_from_any_section(gard_engine):
    """Kawasaki's page says it is not contagious in its causes section; the question names no
    section, and that sentence, not the gene it mentions first, is the answer."""
    reply = gard_engine.reply("ask2", "Is Kawasaki disease contagious?")
    assert reply.answered and not reply.unsaid and not reply.partial
    assert any("not contagious" in part for e in reply.excerpts for part in e.parts)
    assert reply.message.splitlines()[-1] == messages.ABOUT_ASK.format(
        title="Kawasaki syndrome", about=messages.ASK_ABOUT["contagious"]
    )  # said what the quote is about
    assert "ITPKC" not in reply.to_text()
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_a_rare_word_the_page_never_names_is_said_first_and_the_section_still_quoted(gard_engine):
    """No cue says what it asks, but "mexiletine" does: the treatment section is no answer to
    it passed off as one. The section is quoted in full after the caveat, not one sentence."""
    reply = gard_engine.reply("lead1", "Have you heard about mexiletine being used for erythromelalgia?")
    assert reply.unsaid and reply.partial and reply.can_forward
    assert reply.message.splitlines()[0] == messages.DOESNT_SAY.format(
        title="Erythromelalgia", what="anything about mexiletine"
    )
    assert reply.ask is not None and reply.ask.label == "mentions: mexiletine"  # for the ticket
    assert " ".join(reply.excerpts[0].parts).count(". ") >= 2  # sentences, not the closest one
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_a_rare_word_the_page_names_is_quoted_with_a_specialist_offered(gard_engine):
    reply = gard_engine.reply("lead2", "Does a translocation matter in Angelman syndrome?")
    assert all("translocation" in part for e in reply.excerpts for part in e.parts)
    assert reply.message.splitlines()[-1] == messages.ABOUT_WORDS.format(
        title="Angelman syndrome", about="translocation"
    )
    assert reply.partial and not reply.unsaid  # naming it may not answer it: a specialist is offered
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_a_section_that_names_nothing_else_asked_may_not_answer_and_says_so(gard_engine):
    question = "Where is the gene responsible for Hutchinson-Gilford progeria syndrome located?"
    reply = gard_engine.reply("hedge1", question)
    assert reply.message.splitlines()[0] == messages.MAY_NOT_ANSWER.format(title="Progeria")
    assert reply.partial and reply.can_forward and not reply.unsaid  # a specialist is offered
    plain = gard_engine.reply("hedge2", "What causes Hutchinson-Gilford progeria syndrome?")
    assert not plain.partial and messages.MAY_NOT_ANSWER.format(title="Progeria") not in plain.message


@needs_shared
def test_a_relation_is_answered_by_sentences_naming_its_object(gard_engine):
    reply = gard_engine.reply("ask3", "Can Tietze syndrome cause chest pain?")
    assert reply.answered and reply.ask is not None and reply.ask.relation == "causes"
    assert all("chest pain" in part.lower() for e in reply.excerpts for part in e.parts)
    assert not any(e.truncated_end for e in reply.excerpts)  # whole sentences
    assert_verbatim(gard_engine, reply)


@needs_shared
def test_the_users_name_is_connected_to_the_pages(gard_engine):
    reply = gard_engine.reply("ask4", "What is Andersen disease?")
    assert reply.disease == "Glycogen storage disease type 4"
    assert reply.message.splitlines()[0] == messages.OTHER_NAME.format(
        asked="Andersen disease", title="Glycogen storage disease type 4"
    )
    by_title = gard_engine.reply("ask5", "What is glycogen storage disease type 4?")
    assert "another name" not in by_title.message
    both = gard_engine.reply("ask7", "Has TAR syndrome been linked to anemia?")  # the title, typed
    assert both.disease == "TAR syndrome" and "another name" not in both.message


def test_a_question_without_a_specific_ask_keeps_the_section_answer(small_engine):
    reply = small_engine.reply("ask6", "What causes IMT?")
    assert reply.ask is None and not reply.unsaid
    assert reply.excerpts[0].citation.section == "Causes"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tracking", messages.CLARIFY),
        ("treatment?", messages.WHICH_DISEASE),
        ("is it treatable?", messages.WHICH_DISEASE),
    ],
)
def test_an_unclear_message_gets_one_short_question_back(small_engine, text, expected):
    """No disease named, none in the chat, and too few words to forward: ask, don't refuse."""
    reply = small_engine.reply("clarify", text)
    assert reply.kind is ReplyKind.ABSTAIN and reply.message == expected
    assert not reply.excerpts and not reply.can_forward


def test_a_short_follow_up_is_no_unclear_message(small_engine):
    assert small_engine.reply("clarify2", "What is Tietze syndrome?").answered
    assert small_engine.reply("clarify2", "treatment?").answered


@needs_shared
def test_the_closest_text_is_one_short_excerpt(gard_engine):
    """The treatment section has more to quote, but it answers nothing about pregnancy: one
    excerpt, labelled, and no more."""
    reply = gard_engine.reply("ask8", "Is Tourette syndrome treatment safe in pregnancy?")
    assert reply.unsaid and reply.message.endswith(messages.CLOSEST)
    assert len(reply.excerpts) == 1


@needs_shared
def test_no_sentence_is_quoted_twice_in_one_reply(gard_engine):
    """Passages overlap by a sentence: the second excerpt of a section doesn't repeat the end of
    the first."""
    from corpus.sentences import split_sentences

    rows = [json.loads(line) for line in SHARED_EVAL.read_text().splitlines() if line.strip()]
    questions = ["What is adult-onset vitelliform macular dystrophy?", *(row["question"] for row in rows)]
    for number, question in enumerate(questions):
        reply = gard_engine.reply(f"twice-{number}", question)
        sentences = [s for e in reply.excerpts for part in e.parts for s in split_sentences(part)]
        assert len(sentences) == len(set(sentences)), question


@needs_shared
def test_a_follow_up_the_page_doesnt_answer_is_said_even_when_all_was_shown(gard_engine):
    """After the overview, "how long do they live?" has nothing new to quote; the page's
    silence on it is still said, with a specialist, not "that's everything I have"."""
    assert gard_engine.reply("ask9", "What is Kawasaki disease?").answered
    reply = gard_engine.reply("ask9", "how long do they live?")
    assert reply.unsaid and reply.can_forward and reply.message.startswith("GARD's page on Kawasaki syndrome")
    assert reply.message != messages.NO_MORE


@needs_shared
def test_a_name_spelt_otherwise_is_no_other_name(gard_engine):
    reply = gard_engine.reply("ask10", "What can be done for Lederhose disease?")
    assert reply.disease == "Ledderhose disease" and "another name" not in reply.message


@needs_shared
def test_the_other_name_line_says_only_a_name_the_asker_wrote(gard_engine):
    """ "behcets" matched the synonym "Behcet's syndrome", which the asker never wrote: no line
    saying it is another name; "Andersen disease", written whole, gets one."""
    partial = gard_engine.reply("ask12", "what is the treatment for behcets")
    assert partial.answered and "another name" not in partial.message
    whole = gard_engine.reply("ask13", "Is Andersen disease inherited?")
    assert whole.message.startswith(
        "GARD's page on Glycogen storage disease type 4 lists Andersen disease as another name for it."
    )


@needs_shared
def test_an_ask_asked_again_is_not_answered_with_something_else(gard_engine):
    """The sentence that carries the ask was shown; asked again, the chat is told that is all,
    not given another section as if it answered."""
    first = gard_engine.reply("ask11", "Is Kawasaki disease contagious?")
    assert first.answered and not first.unsaid
    again = gard_engine.reply("ask11", "is it contagious?")
    assert not again.excerpts and again.message == messages.NO_MORE and again.can_forward


@needs_shared
def test_another_section_quoted_for_the_one_asked_is_said_so(gard_engine):
    """A page with no section on inheritance answers "is it inherited?" from its causes; the
    reply says so first and offers a specialist, lest the causes read as the whole answer."""
    reply = gard_engine.reply("sec1", "Is CREST syndrome inherited?")
    assert reply.excerpts[0].citation.section == "Causes"
    assert reply.message.startswith("The page on CREST syndrome has no section on inheritance")
    assert reply.partial and reply.can_forward


@needs_shared
def test_a_broader_page_offers_a_specialist(gard_engine):
    """The page covers the form asked about only in general: the reply says so and offers a
    specialist, who may know about that form."""
    reply = gard_engine.reply("broad1", "How is mosaic Turner syndrome treated?")
    assert reply.message.startswith("I have no GARD page on mosaic Turner syndrome specifically.")
    assert reply.excerpts and reply.partial and reply.can_forward


@needs_shared
def test_a_name_the_page_lists_is_never_called_a_wider_one(gard_engine):
    """ "CVID" is one of the page's own names: the page is not "one type or form of CVID"."""
    reply = gard_engine.reply("own1", "What are the symptoms of CVID?")
    assert reply.disease == "Common variable immunodeficiency" and reply.excerpts
    assert "type or form" not in reply.message


@needs_shared
def test_a_question_about_this_says_it_cant_tell_what_this_is(gard_engine):
    """ "Is this linked to X?" names X but not what "this" is: the reply says so first and offers
    a specialist, then quotes what the page says."""
    reply = gard_engine.reply("ref1", "Could this be a sign of Marfan syndrome?")
    assert reply.message.startswith("Your question asks about “this” without saying what it is")
    assert reply.partial and reply.can_forward and reply.excerpts


@needs_shared
def test_a_broader_pages_line_comes_before_the_caveat_about_it(gard_engine):
    reply = gard_engine.reply("broad2", "Can mosaic Turner syndrome be cured?")
    lines = reply.message.splitlines()
    assert lines[0].startswith("I have no GARD page on mosaic Turner syndrome specifically.")
    assert lines[1].startswith("GARD's page on Turner syndrome doesn't say whether it can be cured.")


def test_a_missing_section_is_answered_by_the_pages_sentences_on_its_topic(small_engine):
    """No treatment section: the overview's one sentence on treatment, not its opening."""
    reply = small_engine.reply("a", "How is inflammatory myofibroblastic tumor treated?")
    assert reply.message == messages.NO_SECTION_ELSEWHERE.format(
        title="Inflammatory myofibroblastic tumor", section="treatment"
    )
    assert [p for e in reply.excerpts for p in e.parts] == [
        "Treatment involves surgical removal when possible."
    ]
    assert reply.partial


def test_ones_own_risk_quotes_the_section_from_its_start():
    """No page tells one family's risk: the section's own account from its start comes first,
    not the passage sharing most words with the question (answers.engine._section_from_its_start)."""
    base = Passage("p", "GARD", "2_GARD_QA", "1", "1-4", "inheritance", "X", "u", (), "q", "t")
    later, start = replace(base, passage_id="p1", position=1), replace(base, passage_id="p0", position=0)
    other = replace(base, passage_id="o", qid="1-1", qtype="information")
    assert _section_from_its_start([later, other, start]) == [start, later, other]


class _Alphabetical(frozenset):
    """A set that hands out its words in alphabetical order, as some hash seeds would."""

    def __iter__(self):
        return iter(sorted(frozenset.__iter__(self)))


def test_the_names_typed_keep_the_question_order_whatever_the_set_order(small_engine):
    """The question's matched words are a set: joined as the set iterates, "Is this related to
    Tietz syndrome?" read "syndrome tietz" in some processes, and whether the reply said that
    "this" is beyond the page changed from run to run (PYTHONHASHSEED)."""
    question = "Is this related to Tietz syndrome?"
    disease = small_engine.searcher.search(question).disease
    shuffled = replace(disease, words=_Alphabetical({"tietz", "syndrome"}))
    assert "tietz syndrome" in small_engine._names(shuffled, question)


@needs_shared
def test_chat_shorthand_is_no_word_of_the_ask(gard_engine):
    """ "pls tell me abt X" asks about X: the page found as for "please tell me about X", and no
    caveat that the page doesn't say anything about "pls"."""
    reply = gard_engine.reply("pls", "pls tell me abt morphea")
    assert reply.kind is ReplyKind.ANSWER and reply.disease == "Localized scleroderma"
    assert "pls" not in reply.message and "abt" not in reply.message
