"""The answer engine every frontend shares: a message in, a structured Reply out.

It keeps a little state per chat (ConversationState: the last disease, what of it was shown,
pending choices) behind the ConversationStore interface, so "what causes it?" and "more" work and
the Telegram frontend can keep that state in its database. Neither "more" nor a follow-up quotes
a chat what it was already shown about the disease it is on. No frontend code lives here.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from rapidfuzz import fuzz

from answers import messages
from answers.compose import Carried, Composer, shown
from answers.conversation import ConversationState
from answers.language import is_other_language, warm_up
from answers.reply import Choice, Citation, Excerpt, Reply, ReplyKind
from answers.settings import EngineSettings
from answers.smalltalk import classify
from corpus.models import Passage
from corpus.published import STAFF_KIND, PublishedQA, is_staff_doc, published_date, staff_passage
from corpus.sentences import sentence_spans
from retrieval.analyzer import analyze, fold
from retrieval.ask import (
    MENTIONS,
    TYPED_WORD,
    Ask,
    compile_cues,
    lead_ask,
    leftover_terms,
    read_ask,
    topic_ask,
)
from retrieval.names import NAME_CONNECTORS, DiseaseMatch
from retrieval.policy import AnswerPolicy
from retrieval.qtype import INFORMATION
from retrieval.question_words import Question, as_read, name_words
from retrieval.search import REFERRING, Outcome, Reason, Searcher, SearchResult
from retrieval.siblings import source_name

MAX_INPUT_CHARS = 4000
MORE = re.compile(r"^\s*(more|more please|tell me more|show more|continue|go on|next)\s*[.!?]*\s*$", re.I)
YES = re.compile(r"^\s*(yes|yeah|yep|yup|y|correct|right|that one|yes please)\s*[.!]*\s*$", re.I)
CHOICE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]
ORDINAL = re.compile(rf"^\s*(?:the\s+)?({'|'.join(ORDINALS)})(?:\s+one)?\s*[.!]?\s*$")
MAX_CHOICE_WORDS = 6  # a longer message is a new question, not a pick
MAX_UNCLEAR_WORDS = 2  # a message of this few words naming no disease is asked back, not forwarded


@dataclass
class Turn:
    """One question answered from a page, while its reply is built: the search, the chat's state
    on the disease, the page's ranked passages, and the ask with the sentences that carry it."""

    chat_key: str
    text: str
    result: SearchResult
    disease: DiseaseMatch
    title: str
    state: ConversationState
    passages: list[Passage]
    seen_before: bool  # a follow-up on a disease the chat has been shown
    ask: Ask
    carried: Carried | None  # None: no specific ask (or a staff answer to it)
    stand_in: Carried | None = None  # sentences on the topic of a section the page lacks
    stand_in_about: str = ""  # the question's rare words they name ("panniculitis"), if any
    sibling: Carried | None = None  # what the same disease's page in another collection says

    @property
    def unsaid(self) -> bool:
        """No sentence of the page carries the ask, or only from aside (Carried.direct): the
        reply must say so first."""
        return self.carried is not None and not (self.carried.found and self.carried.direct)


class ConversationStore(Protocol):
    """Where per-chat state lives; store.SQLiteStore satisfies this too."""

    def load_conversation(self, chat_key: str) -> dict | None: ...
    def save_conversation(self, chat_key: str, state: dict) -> None: ...
    def delete_conversation(self, chat_key: str) -> bool: ...


class MemoryConversations:
    """Conversation state in a dict: the console chat and tests."""

    def __init__(self) -> None:
        self._states: dict[str, dict] = {}

    def load_conversation(self, chat_key: str) -> dict | None:
        state = self._states.get(chat_key)
        return dict(state) if state is not None else None

    def save_conversation(self, chat_key: str, state: dict) -> None:
        self._states[chat_key] = dict(state)

    def delete_conversation(self, chat_key: str) -> bool:
        return self._states.pop(chat_key, None) is not None


def choice_label(match: DiseaseMatch) -> str:
    """The page's title, with the name the question matched when the title doesn't show it:
    "Limb-girdle muscular dystrophy, type 2C (Duchenne-like muscular dystrophy)"."""
    if not match.name or fold(match.name) in fold(match.title):
        return match.title
    return f"{match.title} ({match.name})"


class Engine:
    def __init__(
        self,
        searcher: Searcher,
        conversations: ConversationStore | None = None,
        settings: EngineSettings | None = None,
        clock=time.time,
    ) -> None:
        self.searcher = searcher
        self.conversations = conversations or MemoryConversations()
        self.settings = settings or EngineSettings()
        self.clock = clock
        self.composer = Composer(searcher.boilerplate(), searcher.idf())
        self.answer_policy = AnswerPolicy()
        self._published: dict[int, str] = {}  # ticket number -> its live passage id
        self._siblings: Composer | None = None  # for sibling pages (_sibling_composer)
        self._versions: dict[int, int] = {}

    def warm_up(self) -> None:
        """Load what chat replies need once (the language identifier, the ask's patterns, the
        table of where words stand in names) now, not during a user's first question. A
        one-question `gardbot search` skips this."""
        warm_up()
        compile_cues(self.answer_policy)
        self.searcher.warm_up()

    # --- searching (CLI, evaluation) ------------------------------------------------------

    def search(self, question: str, k: int = 10) -> SearchResult:
        """Ranked passages for one question without conversation; small talk abstains."""
        result = self.searcher.search(question[:MAX_INPUT_CHARS], k=k)
        if classify(question) is not None:
            result.abstain = True
            result.reason = Reason.SMALLTALK
        return result

    # --- published staff answers ----------------------------------------------------------

    def publish(self, qa: PublishedQA) -> Passage:
        """Make a staff answer answerable at once (replacing an earlier version of it)."""
        return self.load_published([qa])[0]

    def load_published(self, qas: list[PublishedQA]) -> list[Passage]:
        """Add published Q&As to the live index in one step (at start-up: all of them)."""
        passages = []
        moved = self.searcher.replaced_pages()
        for qa in qas:
            if qa.doc_id in moved:  # its page was replaced by a newer one of the same address
                qa = replace(qa, doc_id=moved[qa.doc_id])
            self.unpublish(qa.ticket_n)
            self._versions[qa.ticket_n] = self._versions.get(qa.ticket_n, 0) + 1
            page = next(iter(self.searcher.doc_passages(qa.doc_id)), None) if qa.doc_id else None
            passages.append(staff_passage(qa, page, self._versions[qa.ticket_n]))
        self.searcher.add_passages(passages)
        self._published.update((p.extra["ticket"], p.passage_id) for p in passages)
        return passages

    def unpublish(self, ticket_n: int) -> bool:
        passage_id = self._published.pop(ticket_n, None)
        if passage_id is not None:
            self.searcher.withdraw([passage_id])
        return passage_id is not None

    def find_disease(self, text: str) -> tuple[str, str] | None:
        """The page a text names, as (doc_id, title): a ticket's question, or a name staff typed.

        An exact title wins; otherwise the linker must link the text to one page, since
        attaching a published answer to the wrong disease would mislead everyone after.
        """
        wanted = fold(text).strip()
        for doc_id, title in self.searcher.titles().items():
            if fold(title) == wanted and self.searcher.doc_passages(doc_id):
                return doc_id, title
        result = self.searcher.search(text, k=1)
        disease = result.disease
        if result.abstain or disease is None or disease.kind in {"context", "published"}:
            return None
        if disease.coverage < self.searcher.policy.min_coverage or is_staff_doc(disease.doc_id):
            return None
        return disease.doc_id, self.searcher.title(disease.doc_id)

    # --- conversation ---------------------------------------------------------------------

    def reply(self, chat_key: str, text: str) -> Reply:
        """Answer one chat message, using and updating that chat's context."""
        text = (text or "").strip()
        if not text:
            return Reply(ReplyKind.INVALID, messages.EMPTY)
        if len(text) > MAX_INPUT_CHARS:
            return Reply(
                ReplyKind.INVALID,
                messages.TOO_LONG.format(length=len(text), limit=MAX_INPUT_CHARS),
            )
        state = self._state(chat_key)
        if len(state.pending_choices) == 1 and YES.match(text):  # "Did you mean X?" "yes"
            return self.choose(chat_key, state.pending_choices[0])
        small = classify(text)
        if small is not None:
            return Reply(ReplyKind.SMALLTALK, small)
        if MORE.match(text):
            return self.more(chat_key)
        choice = self._pending_choice(state, text)
        if choice:
            return self.choose(chat_key, choice)
        question = self.searcher.read(text)  # read once: both searches and the topic check share it
        result = self._new_topic(question, self.searcher.search(question, k=10, context_doc=state.doc_id))
        reply = self._answer(chat_key, text, result)
        if result.outcome is Outcome.NO_PAGE:  # the chat turned to a disease with no page: "it"
            fresh = ConversationState()  # is not the last one; pages naming it wait for a pick
            fresh.pending_question, fresh.pending_choices = text, [c.doc_id for c in reply.choices]
            self._save(chat_key, fresh)
        if reply.kind is not ReplyKind.INVALID and is_other_language(text):
            reply.message = f"{messages.ENGLISH_ONLY}\n\n{reply.message}"
        return reply

    def choose(self, chat_key: str, doc_id: str) -> Reply:
        """The user picked one of the offered diseases: answer the question they asked."""
        question = self._state(chat_key).pending_question
        if doc_id not in self.searcher.titles():
            return Reply(ReplyKind.INVALID, messages.NOTHING_TO_SEARCH)
        result = self.searcher.search(question, k=10, doc_id=doc_id)
        return self._answer(chat_key, question, result)

    def more(self, chat_key: str) -> Reply:
        """Further excerpts of the last answer's ranking, skipping what the chat was shown."""
        state = self._state(chat_key)
        ranked = [p for p in (self._passage(i) for i in state.ranked) if p]
        if not ranked:
            return Reply(ReplyKind.INVALID, messages.NO_CONTEXT_MORE)
        rest = [p for p in ranked if p.passage_id not in state.shown and p.doc_id == state.doc_id]
        if not rest:
            return self._nothing_new(state)
        reply, used = self._compose(state.question, rest, state.qtype, state=state)
        self._remember(state, reply, used)
        if not reply.excerpts:
            self._save(chat_key, state)
            return self._nothing_new(state)
        reply.message = self._intro(rest[0], rest[0].title, from_context=True)
        reply.disease, reply.doc_id = rest[0].title, state.doc_id
        reply.has_more = any(p.passage_id not in state.shown for p in rest)
        self._save(chat_key, state)
        return reply

    def forget(self, chat_key: str) -> None:
        self.conversations.delete_conversation(chat_key)

    # --- internals ------------------------------------------------------------------------

    def _new_topic(self, question: Question, result: SearchResult) -> SearchResult:
        """The reading of a message without the chat's disease, when that disease is all that
        made it a follow-up but the message starts a new topic.

        A short message is taken as a follow-up ("treatment?"), and so was one that names a
        disease with no page ("What is Zorbland fever?") or has no word the pages use
        ("asdkjh"): those got "That's everything I have on this" about the last disease. Such a
        message is answered as in a new chat: "no page on Zorbland fever", or nothing found. A
        follow-up refers back ("it", "this disease"), asks for a section, or uses a word of the
        pages.
        """
        if not result.from_context:
            return result
        alone = self.searcher.search(question, k=10)
        if alone.reason is Reason.NO_PAGE:
            return alone
        known = any(t in self.composer.idf for t in question.terms)
        if known or REFERRING.search(question.folded) or result.qtype != INFORMATION:
            return result
        return alone

    def _answer(self, chat_key: str, text: str, result: SearchResult) -> Reply:
        """The reply to a searched question, by what the search came to (SearchResult.outcome)."""
        match result.outcome:
            case Outcome.CHOICE | Outcome.DID_YOU_MEAN:
                return self._offer(chat_key, text, result)
            case Outcome.NO_PAGE:  # a disease the corpus has no page for
                return self._no_page(result)
            case Outcome.ASK_WHICH:
                return Reply(ReplyKind.ABSTAIN, messages.WHICH_DISEASE, qtype=result.qtype)
            case Outcome.ABSTAIN:
                return self._abstain(text, result)
        # what it asks is read as the page was found: "pls" is "please", no word of the ask
        return self._answer_page(self._turn(chat_key, as_read(text), result))

    def _no_page(self, result: SearchResult) -> Reply:
        """ "I have no page on X"; and when other pages name X in their text, those pages to
        choose from (the user picks one knowing it is about another condition)."""
        if not result.mentioned_on:
            return Reply(
                ReplyKind.ABSTAIN,
                messages.NO_PAGE.format(name=result.missing),
                can_forward=True,
                disease=result.missing,
                qtype=result.qtype,
                reason=str(Outcome.NO_PAGE),
            )
        return Reply(
            ReplyKind.CHOOSE,
            messages.NO_PAGE_MENTIONED.format(name=result.missing),
            choices=[Choice(doc_id, self.searcher.title(doc_id)) for doc_id in result.mentioned_on],
            can_forward=True,
            disease=result.missing,
            qtype=result.qtype,
            reason=str(Outcome.NO_PAGE),
        )

    def _offer(self, chat_key: str, text: str, result: SearchResult) -> Reply:
        """Pages to choose from, or one to confirm ("Did you mean X?"): the question waits for
        the pick, and a specialist is offered too."""
        previous = self._state(chat_key)
        previous.pending_question, previous.pending_choices = text, [c.doc_id for c in result.choices]
        self._save(chat_key, previous)
        candidates = self._candidates(result)
        if result.outcome is Outcome.DID_YOU_MEAN:  # one tap to confirm, or a specialist
            offered = result.choices[0]
            return Reply(
                ReplyKind.CHOOSE,
                messages.DID_YOU_MEAN.format(
                    asked=result.missing or offered.name, title=choice_label(offered)
                ),
                choices=[Choice(offered.doc_id, choice_label(offered))],
                qtype=result.qtype,
                can_forward=True,
                candidates=candidates,
            )
        if result.other_type:
            message = messages.CHOOSE_OTHER_TYPES.format(asked=result.other_type, name=result.choices[0].name)
        else:
            message = (
                messages.CHOOSE_LISTED
                if result.several
                else messages.CHOOSE_BY_WORD
                if result.by_word
                else messages.CHOOSE
            )
        return Reply(
            ReplyKind.CHOOSE,
            message,
            choices=[Choice(c.doc_id, choice_label(c)) for c in result.choices],
            qtype=result.qtype,
            can_forward=True,
            candidates=candidates,
            confidence=result.choices[0].coverage,
        )

    def _abstain(self, text: str, result: SearchResult) -> Reply:
        """Nothing named, or nothing that clearly answers: a specialist, or a question back."""
        if result.reason is Reason.NO_DISEASE and not analyze(text):
            return Reply(ReplyKind.INVALID, messages.NOTHING_TO_SEARCH)
        if result.reason is Reason.NO_DISEASE and len(analyze(text)) <= MAX_UNCLEAR_WORDS:
            # "treatment?", "tracking": no disease, and too little to forward; one short
            # question back (which disease, or what about it) instead of a refusal
            which = result.qtype != INFORMATION
            return Reply(
                ReplyKind.ABSTAIN,
                messages.WHICH_DISEASE if which else messages.CLARIFY,
                qtype=result.qtype,
                reason="clarify",
            )
        weak = result.reason is Reason.WEAK_MATCH
        return Reply(
            ReplyKind.ABSTAIN,
            messages.ABSTAIN_WEAK if weak else messages.ABSTAIN,
            can_forward=True,
            candidates=self._candidates(result),
            qtype=result.qtype,
        )

    def _turn(self, chat_key: str, text: str, result: SearchResult) -> Turn:
        """What answering a question from its page starts from: the chat's state on this disease
        (what it saw stays seen while it stays on it), the page's ranked passages and the ask."""
        previous = self._state(chat_key)
        disease = result.disease
        assert disease is not None  # Outcome.ANSWER has one
        passages = [r.passage for r in result.results if r.passage.doc_id == disease.doc_id]
        state = ConversationState(disease.doc_id, text, result.qtype, [p.passage_id for p in passages])
        if previous.doc_id == disease.doc_id:  # still on this disease: what the chat saw stays seen
            state.shown, state.quoted = list(previous.shown), list(previous.quoted)
        # A follow-up ("how common is it?") gets only what the chat hasn't seen. A question that
        # names the disease again is asked anew, and gets its answer even if it was shown.
        seen_before = result.from_context and bool(state.shown or state.quoted)
        if disease.kind == "chosen":  # other choice buttons of the same question stay usable
            state.pending_question = previous.pending_question
            state.pending_choices = previous.pending_choices
        ask = self._read_ask(text, disease)
        if not (ask.specific or ask.own_risk or ask.own_case or ask.referent):
            # no cue says what it asks, but its rare words do ("mexiletine"): the section quoted
            # must not pass for an answer when the page never names them ("this", or one family's
            # risk, is said to be beyond the page already); a section the page lacks has its own
            # stand-in (_stand_in)
            names = self._names(disease, text)
            lead = lead_ask(text, self.composer.idf, names, self.answer_policy)
            if not lead.specific and result.broader:  # "symptomatic pineal cyst": the form asked
                lead = lead_ask(result.broader, self.composer.idf, names, self._form_policy)
            if lead.specific and not self._lacks_section(result, disease.doc_id, passages):
                ask = lead
        seen = state if seen_before else None
        carried = self._carried(ask, disease.doc_id, text, result, seen, passages)
        title = self.searcher.title(disease.doc_id)
        turn = Turn(chat_key, text, result, disease, title, state, passages, seen_before, ask, carried)
        if turn.unsaid and self.settings.sibling_pages:  # GARD's page doesn't say: does another?
            turn.sibling = self._sibling_carried(turn, seen)
        elif carried is None and self._lacks_section(result, disease.doc_id, passages):
            # the page's own sentences when they name what the question names besides the
            # section ("... and panniculitis"); else another collection's section on it; else
            # the page's sentences on the section's topic
            turn.stand_in, named = self._stand_in(disease, text, result, seen)
            turn.stand_in_about = named
            if not named and self.settings.sibling_pages:
                turn.sibling = self._sibling_section(turn, seen)
                turn.stand_in = None if turn.sibling else turn.stand_in
        return turn

    def _answer_page(self, turn: Turn) -> Reply:
        """Quote the page: the sentences that carry the ask, or the section that answers; then
        the bot's lines before them, the caveat first when the page doesn't say what was asked."""
        reply, used = self._quote(turn)
        if not reply.excerpts:
            return self._nothing_to_quote(turn)
        self._frame(turn, reply, used)
        self._finish(turn, reply)
        return reply

    def _quote(self, turn: Turn) -> tuple[Reply, list[Passage]]:
        """The excerpts of a reply and the passages they used up, recorded as seen."""
        carried, state = turn.sibling or turn.carried or turn.stand_in, turn.state
        if carried is not None and carried.excerpts:  # sentences that say what was asked
            reply = Reply(
                ReplyKind.ANSWER,
                excerpts=carried.excerpts,
                qtype=turn.result.qtype,
                notice=messages.NOT_ADVICE,
                can_forward=True,
            )
            self._remember(state, reply, carried.used, whole_passages=False)
            return reply, carried.used
        if carried is not None and carried.found:  # what carries it, the chat has been shown
            return Reply(ReplyKind.ANSWER), []
        passages = _section_from_its_start(turn.passages) if turn.ask.own_risk else turn.passages
        fresh = self._fresh(passages, state) if turn.seen_before else passages
        # the page doesn't say: a short closest text, labelled as such, not a whole answer; but
        # the section asked for in full when only the question's rare words are missing from it
        limit = 1 if turn.unsaid and turn.ask.relation != MENTIONS else None
        seen = state if turn.seen_before else None
        reply, used = self._compose(turn.text, fresh, turn.result.qtype, turn.disease.words, seen, limit)
        self._remember(state, reply, used)
        return reply, used

    def _nothing_to_quote(self, turn: Turn) -> Reply:
        """No excerpt left: the chat saw what answers, or the page doesn't say it, or nothing
        on it answers at all."""
        found = turn.carried is not None and turn.carried.found
        if found or turn.unsaid or turn.seen_before:
            self._save(turn.chat_key, turn.state)
        if turn.unsaid:  # nothing left to quote, and the page doesn't say it
            return self._unsaid_alone(turn.state, turn.ask)
        if found:  # what carries the ask, the chat has been shown
            return self._nothing_new(turn.state)
        if turn.seen_before:  # what answers this, the chat has been shown
            return self._nothing_new(turn.state)
        return Reply(
            ReplyKind.ABSTAIN, messages.ABSTAIN, can_forward=True, candidates=self._candidates(turn.result)
        )

    def _frame(self, turn: Turn, reply: Reply, used: list[Passage]) -> None:
        """The bot's lines before the excerpts: which page and section they are from, what they
        are about, which name the page uses; first, when the page doesn't say what was asked, that
        (only a broader page's line comes before it, as the caveat is about that page)."""
        result, title, ask = turn.result, turn.title, turn.ask
        quoted = next(p for p in used if p.passage_id == reply.excerpts[0].citation.passage_id)
        reply.message, partial = self._lead(turn, quoted, reply)
        reply.partial = reply.partial or partial
        if self._other_name(result, title, turn.text):  # "... lists Andersen disease as another name"
            reply.message = (
                f"{messages.OTHER_NAME.format(asked=turn.disease.name, title=title)}\n{reply.message}"
            )
        if result.broader:  # "mosaic Turner syndrome": a specialist may know about the form asked
            reply.partial = True
        elif self.searcher.is_narrower(turn.disease, result.link):
            asked = result.link.mention.text if result.link and result.link.mention else turn.disease.name
            names = {fold(n) for n in (title, *self._synonyms(turn.disease.doc_id))}
            if fold(asked) not in names:  # "ALS" is the page's own name, not a wider one
                reply.message = f"{reply.message}\n{messages.SUBTYPE.format(title=title, asked=asked)}"
        if ask.referent and not result.from_context:  # "is this related to X?": what is "this"?
            reply.message = f"{messages.REFERENT.format(referent=ask.referent, title=title)}\n{reply.message}"
            reply.partial = True
        beyond = (  # what a page of general information can't settle, said first, a specialist offered
            (ask.attribute == "research", messages.RESEARCH_DATED),  # the page is dated
            (ask.own_case, messages.OWN_CASE),  # "I wonder if she might have X"
            (ask.own_risk, messages.OWN_RISK),  # "a greater risk to me?"
        )
        for asked, line in beyond if not turn.unsaid else ():
            if asked:
                reply.message = f"{line.format(title=title)}\n{reply.message}"
                reply.partial = True
        if turn.unsaid:  # first, plainly: the page doesn't answer this; what follows is labelled
            if turn.sibling is None:  # (a sibling page's line says so itself)
                what = messages.ask_phrase(ask.attribute, ask.relation, ask.target)
                reply.message = f"{messages.DOESNT_SAY.format(title=title, what=what)}\n{reply.message}"
            reply.partial = reply.unsaid = True
        if result.broader:  # the general page, said before all: the lines below are about it
            reply.message = f"{messages.BROADER.format(asked=result.broader, title=title)}\n{reply.message}"

    def _may_not_answer(self, turn: Turn, reply: Reply) -> bool:
        """Quotes for a question whose words nothing read explains and no quoted sentence
        names (ask.leftover_terms): a section for a question with no specific ask, or sentences
        that carry its ask but not the rest ("Does the menstrual cycle happen earlier?" answered
        with a sentence on menstruation). They may not answer it."""
        if turn.unsaid or turn.stand_in is not None or turn.sibling is not None or turn.result.broader:
            return False
        if turn.ask.referent or turn.ask.own_risk or turn.ask.own_case:  # said to be beyond the page
            return False
        names = self._names(turn.disease, turn.text)
        left = leftover_terms(turn.text, names, self.composer.idf, self.answer_policy)
        left = [t for t in left if t not in turn.ask.terms]  # what carries the ask names those
        if not left:
            return False
        quoted = set(analyze(" ".join(part for e in reply.excerpts for part in e.parts)))
        return any(t not in quoted for t in left)

    def _lead(self, turn: Turn, quoted: Passage, reply: Reply) -> tuple[str, bool]:
        """The line just before the excerpts, and whether it makes the reply partial (a
        specialist offered): where the quotes are from and what they are about; first, when
        they name not all the question asks, that the bot couldn't find an answer to exactly
        that (_may_not_answer)."""
        result, title, ask = turn.result, turn.title, turn.ask
        section = messages.section_label(result.qtype).lower()
        if turn.sibling is not None:  # another collection's page on the disease, named
            source = source_name(quoted)
            if turn.unsaid:
                what = messages.ask_phrase(ask.attribute, ask.relation, ask.target)
                return messages.DOESNT_SAY_SIBLING.format(title=title, what=what, source=source), True
            return messages.NO_SECTION_SIBLING.format(title=title, section=section, source=source), True
        if turn.unsaid:
            return messages.CLOSEST, False
        if turn.carried is not None and turn.carried.excerpts:  # about what was asked
            about = messages.ask_about(ask.attribute, ask.relation, ask.target)
            if ask.relation == MENTIONS or self._may_not_answer(turn, reply):  # "... happen earlier?"
                return messages.ABOUT_WORDS.format(title=title, about=about), True
            return messages.ABOUT_ASK.format(title=title, about=about), False
        if turn.carried is None and self._section_missing(result, quoted):
            if turn.stand_in is not None and turn.stand_in_about:  # "... and panniculitis?"
                return messages.ABOUT_ASK.format(title=title, about=turn.stand_in_about), True
            if turn.stand_in is not None:  # its sentences on the topic, from wherever they are
                return messages.NO_SECTION_ELSEWHERE.format(title=title, section=section), True
            if quoted.qtype == INFORMATION:
                return messages.NO_SECTION.format(title=title, section=section), True
            other = messages.section_label(quoted.qtype).lower()
            return messages.NO_SECTION_OTHER.format(title=title, section=section, other=other), True
        if quoted.kind != STAFF_KIND and self._may_not_answer(turn, reply):  # "... located?": causes
            return f"{messages.MAY_NOT_ANSWER.format(title=title)}\n{messages.CLOSEST}", True
        return self._intro(quoted, title, result.from_context), False

    def _finish(self, turn: Turn, reply: Reply) -> None:
        """What a reply carries beside its text (the ask for a ticket, the page, other names),
        and the chat's state saved."""
        disease, state = turn.disease, turn.state
        reply.ask = turn.ask if turn.ask.specific or turn.ask.referent else None
        reply.disease, reply.doc_id = turn.title, disease.doc_id
        reply.confidence = round(disease.coverage, 3)
        reply.candidates = self._candidates(turn.result)
        if disease.kind in {"synonym", "abbreviation"} and disease.name:
            synonyms = [s for s in self._synonyms(disease.doc_id) if fold(s) != fold(disease.name)]
            reply.other_names = (
                [turn.title, *synonyms][:6] if fold(turn.title) != fold(disease.name) else synonyms[:6]
            )
        reply.has_more = any(p.passage_id not in state.shown for p in turn.passages)
        reply.message = self._named_for_its_source(reply.message, disease.doc_id, turn.title)
        self._save(turn.chat_key, state)

    def _named_for_its_source(self, message: str, doc_id: str, title: str) -> str:
        """The reply's lines about "GARD's page on X" said of the page's own collection when the
        corpus holds other NIH collections too: a Genetics Home Reference page is no GARD page."""
        page = self.searcher.doc_passages(doc_id)[:1]
        source = source_name(page[0]) if page else "GARD"
        if source == "GARD" or page[0].kind == STAFF_KIND:
            return message
        return message.replace(f"GARD's page on {title}", f"{source}'s page on {title}")

    def _fresh(self, passages: list[Passage], state: ConversationState) -> list[Passage]:
        """The passages the chat hasn't seen, within the section that answers the question.

        That section is the first in the ranking with something to quote, seen or not (the
        overview stands in for a section the page lacks). Once it has all been shown, another
        section is no answer: "how common is it?" right after "what is X?" must not get the
        symptoms instead of the overview it already read.
        """
        section = next(
            (
                p.qtype
                for p in passages
                if p.kind != STAFF_KIND and (p.passage_id in state.shown or self.composer.quotable(p))
            ),
            None,
        )
        return [
            p
            for p in passages
            if p.passage_id not in state.shown and (p.kind == STAFF_KIND or p.qtype == section)
        ]

    @property
    def _form_policy(self) -> AnswerPolicy:
        """The answer policy for the words that qualify a name the page covers in general
        ("symptomatic", "late-onset", "classic"): they name the form asked, so each leads however
        often English or the pages use it."""
        return replace(self.answer_policy, lead_english=sys.maxsize, lead_idf=0.0)

    def _read_ask(self, text: str, disease: DiseaseMatch) -> Ask:
        """What the question asks beyond a section; the disease's names are no object of it."""
        return read_ask(text, self._names(disease, text), self.answer_policy)

    def _names(self, disease: DiseaseMatch, text: str) -> tuple[str, ...]:
        """The disease's names as the page has them and as the question `text` typed them
        ("IMT"): the matched words in the order the question has them, whatever a set's order
        (the same question must read the same in every process)."""
        folded = fold(text)
        typed = " ".join(sorted(disease.words, key=lambda word: (folded.find(word), word)))
        return (self.searcher.title(disease.doc_id), disease.name, typed, *self._synonyms(disease.doc_id))

    def _lacks_section(self, result: SearchResult, doc_id: str, ranked: list[Passage]) -> bool:
        """The question asks for a section (not the overview) that the page has nothing of, and
        no staff answer was published for it."""
        if result.qtype == INFORMATION or (ranked and ranked[0].kind == STAFF_KIND):
            return False
        page = self.searcher.doc_passages(doc_id)
        return not any(p.qtype == result.qtype and self.composer.quotable(p) for p in page)

    def _stand_in(
        self, disease: DiseaseMatch, text: str, result: SearchResult, state: ConversationState | None
    ) -> tuple[Carried | None, str]:
        """For a question that asks for a section its page lacks, with no specific ask: the
        page's sentences that name the section's topic or a rare word of the question, instead
        of the overview's opening, where the one sentence that bears on it would be buried
        ("How is yellow nail syndrome treated?": "Unfortunately, there is no cure for this
        condition, but there are therapies available ..."). None when no sentence names it.
        Also the question's rare words, as typed, that the quoted sentences name ("panniculitis"),
        or "" when they only name the topic: what the reply's lead says they are about."""
        page = self._page_passages(disease.doc_id)
        names = self._names(disease, text)
        topic = topic_ask(result.qtype, text, self.composer.idf, names, self.answer_policy)
        if not topic.specific:
            return None, ""
        budget, seen = self._quote_budget, _seen(state)
        carried = self.composer.carrying(
            page, topic, text, result.qtypes, budget, disease.words, seen, self.answer_policy
        )
        if not carried.excerpts:
            return None, ""
        quoted = set(analyze(" ".join(part for e in carried.excerpts for part in e.parts)))
        named = [word for word in TYPED_WORD.findall(text) if set(analyze(word)) & quoted & set(topic.terms)]
        return carried, " ".join(dict.fromkeys(named))

    def _carried(
        self,
        ask: Ask,
        doc_id: str,
        text: str,
        result: SearchResult,
        state: ConversationState | None,
        ranked: list[Passage],
    ) -> Carried | None:
        """The page's sentences that carry a specific ask, from any section; None when the
        question has no specific ask, or a staff answer to it was published (staff answered
        the question itself, and their reply is quoted whole)."""
        if not ask.specific or (ranked and ranked[0].kind == STAFF_KIND):
            return None
        page = self._page_passages(doc_id)
        budget, seen = self._quote_budget, _seen(state)
        return self.composer.carrying(
            page, ask, text, result.qtypes, budget, result.disease.words if result.disease else (), seen,
            self.answer_policy,
        )  # fmt: skip

    @property
    def _quote_budget(self) -> int:
        """Characters of quotes a reply may hold: room is left for citations, other names and
        the note."""
        return self.settings.max_chars - 250

    def _page_passages(self, doc_id: str) -> list[Passage]:
        """A page's own passages, without staff answers published on it."""
        return [p for p in self.searcher.doc_passages(doc_id) if p.kind != STAFF_KIND]

    def _sibling_composer(self) -> Composer:
        """A composer that also knows the sibling collections' site text, made when first used."""
        if self._siblings is None:
            boilerplate = self.composer.boilerplate | self.searcher.sibling_boilerplate()
            self._siblings = Composer(boilerplate, self.composer.idf)
        return self._siblings

    def _sibling_carried(self, turn: Turn, state: ConversationState | None) -> Carried | None:
        """The sentences that carry the ask on the first page of the same disease in another
        collection that has any (retrieval/siblings.py); None when none does."""
        budget, seen = self._quote_budget, _seen(state)
        words = turn.disease.words
        for page in self.searcher.sibling_pages(turn.disease.doc_id):
            carried = self._sibling_composer().carrying(
                page, turn.ask, turn.text, turn.result.qtypes, budget, words, seen, self.answer_policy
            )
            if carried.found and carried.direct and carried.excerpts:
                return carried
        return None

    def _sibling_section(self, turn: Turn, state: ConversationState | None) -> Carried | None:
        """The section asked for, from the first page of the same disease in another collection
        that has it, when GARD's page has none ("How might Brown-Sequard syndrome be treated?":
        NINDS's treatment section); its best sentences, as a section answer quotes them."""
        budget, seen = self._quote_budget, _seen(state)
        composer = self._sibling_composer()
        for page in self.searcher.sibling_pages(turn.disease.doc_id):
            for passage in (p for p in page if p.qtype == turn.result.qtype):
                excerpt = composer.excerpt(passage, turn.text, budget, turn.disease.words, seen)
                if excerpt is not None:
                    return Carried([excerpt], [passage], True)
        return None

    def _other_name(self, result: SearchResult, title: str, question: str) -> bool:
        """The question named the disease otherwise than the page's title (a synonym or an
        abbreviation), without the title itself ("TAR syndrome" matches its long form too), and
        no broader-page note already says which page this is."""
        disease = result.disease
        if disease is None or disease.kind not in {"synonym", "abbreviation"} or not disease.name:
            return False
        named = fold(disease.name) in fold(title) or fold(title) in fold(question)
        # one name spelt two ways ("Lederhose disease", "Ledderhose disease") is no other name
        respelt = fuzz.ratio(fold(disease.name), fold(title)) >= self.answer_policy.same_name_ratio
        # the line says the asker's name is the page's: not when the asker wrote less of it
        # ("behcets" matched "Behcet's syndrome", a name the asker never wrote)
        typed = set(name_words(disease.name)) - NAME_CONNECTORS <= set(name_words(question))
        return not result.broader and not named and not respelt and typed

    @staticmethod
    def _remember(
        state: ConversationState, reply: Reply, used: list[Passage], whole_passages: bool = True
    ) -> None:
        """Add a reply's passages and sentences to what the chat has seen of the disease.

        A sentence cut short by "…" has not been seen, nor what followed it: a follow-up it
        answers, or "more", may quote it whole, so neither it nor its passage is recorded (a
        sentence too long ever to be shown whole is recorded by its start, as it would only be
        cut the same way again; so every reply records something, and "more" comes to an end)."""
        by_id = {p.passage_id: p for p in used}
        sentences: list[str] = []
        unfinished: set[str] = set()
        for excerpt in reply.excerpts:
            passage = by_id.get(excerpt.citation.passage_id)
            if passage is None or passage.kind == STAFF_KIND:  # a staff answer is quoted from its start
                sentences.extend(
                    part[start:end].strip() for part in excerpt.parts for start, end in sentence_spans(part)
                )
                continue
            seen = shown(passage.text, excerpt.parts)
            sentences.extend([*seen.whole, *seen.cut_long])
            if seen.cut or excerpt.left_out or (excerpt.listed and excerpt.truncated_end):  # more left
                unfinished.add(passage.passage_id)
        # Sentences chosen across a page leave the rest of their passages for "more".
        finished = [p.passage_id for p in used if p.passage_id not in unfinished] if whole_passages else []
        state.remember(finished, [s for s in sentences if s])

    def _unsaid_alone(self, state: ConversationState, ask: Ask) -> Reply:
        """The page doesn't say what was asked, and the chat has seen all it could quote
        instead: the caveat alone, with a specialist ("how long do they live?" after "what is
        X?" is no "that's everything I have")."""
        title = self.searcher.title(state.doc_id) if state.doc_id else ""
        what = messages.ask_phrase(ask.attribute, ask.relation, ask.target)
        return Reply(
            ReplyKind.ABSTAIN,
            messages.DOESNT_SAY.format(title=title, what=what),
            disease=title or None,
            doc_id=state.doc_id,
            qtype=state.qtype,
            can_forward=True,
            partial=True,
            ask=ask,
            unsaid=True,
        )

    def _nothing_new(self, state: ConversationState) -> Reply:
        """All the chat could be shown on this it has seen: say so, and offer a specialist
        (with the disease, so a ticket says what it was about)."""
        title = self.searcher.title(state.doc_id) if state.doc_id else None
        return Reply(
            ReplyKind.INVALID,
            messages.NO_MORE,
            disease=title or None,
            doc_id=state.doc_id,
            qtype=state.qtype,
            can_forward=True,
        )

    def _section_missing(self, result: SearchResult, top: Passage) -> bool:
        """The question asks for a section and the reply quotes another, because the page lacks
        it or it holds nothing but its heading: say so, lest an overview read as the answer to
        "can it be cured?", or a causes section as the answer to "does it run in families?".
        (Ranking puts the asked section first whenever it has text.)"""
        if result.qtype == INFORMATION or top.kind == STAFF_KIND or top.qtype == result.qtype:
            return False
        page = self.searcher.doc_passages(top.doc_id)
        return not any(p.qtype == result.qtype and self.composer.quotable(p) for p in page)

    @staticmethod
    def _intro(top: Passage, title: str, from_context: bool) -> str:
        if top.kind == STAFF_KIND:
            return messages.STAFF_INTRO.format(
                role=top.extra.get("role", ""),
                date=published_date(top.extra.get("published_at", 0.0)),
                question=top.question,
            )
        return (messages.FOLLOW_UP if from_context else messages.ANSWER_INTRO).format(title=title)

    def _compose(
        self,
        question: str,
        passages: list[Passage],
        qtype: str | None,
        name_words: Iterable[str] = (),
        state: ConversationState | None = None,
        limit: int | None = None,
    ) -> tuple[Reply, list[Passage]]:
        """Up to max_excerpts excerpts from the first passages, within the character budget;
        also the passages used up, quoted or found to hold nothing worth quoting. Sentences
        the conversation already quoted are left out."""
        budget = self._quote_budget
        excerpts: list[Excerpt] = []
        used: list[Passage] = []
        top_type = None
        for passage in passages:
            if len(excerpts) >= (limit or self.settings.max_excerpts) or budget < 120:
                break
            if excerpts and passage.qtype != top_type:
                break  # stay with the section that answers; "more" shows the others
            if excerpts and excerpts[-1].listed and excerpts[-1].truncated_end:
                break  # a list with items left goes on with "more", not with the next passage's
            if passage.kind == STAFF_KIND:
                excerpt = self.composer.whole(passage, budget)
            else:  # overlapping passages share sentences: one this reply quoted is not quoted again
                quoted = [e.text for e in excerpts]

                def seen(sentence: str, quoted: list[str] = quoted) -> bool:
                    chat_saw = state is not None and state.was_quoted(sentence)
                    return chat_saw or any(sentence.strip() in text for text in quoted)

                check = seen if state is not None or quoted else None  # the first excerpt of a new chat
                excerpt = self.composer.excerpt(passage, question, budget, name_words, check)
            used.append(passage)
            if excerpt is None or any(part in e.text for e in excerpts for part in excerpt.parts):
                continue  # nothing to quote, or a sentence already quoted (pages repeat sections)
            excerpts.append(excerpt)
            top_type = passage.qtype
            budget -= len(excerpt.text) + 60
        reply = Reply(
            ReplyKind.ANSWER, excerpts=excerpts, qtype=qtype, notice=messages.NOT_ADVICE, can_forward=True
        )
        return reply, used

    def _candidates(self, result: SearchResult) -> list[Citation]:
        seen: set[str] = set()
        out = []
        for ranked in result.results:
            if ranked.passage.doc_id not in seen:
                seen.add(ranked.passage.doc_id)
                out.append(self.composer.citation(ranked.passage))
            if len(out) >= 3:
                break
        return out

    def _synonyms(self, doc_id: str) -> tuple[str, ...]:
        passages = self.searcher.doc_passages(doc_id)
        return passages[0].synonyms if passages else ()

    def _passage(self, passage_id: str) -> Passage | None:
        return self.searcher.passage(passage_id)

    def _pending_choice(self, state: ConversationState, text: str) -> str | None:
        choices = state.pending_choices
        number = CHOICE_NUMBER.match(text)
        if number and 1 <= int(number.group(1)) <= len(choices):
            return choices[int(number.group(1)) - 1]
        ordinal = ORDINAL.match(fold(text))
        if ordinal and ORDINALS.index(ordinal.group(1)) < len(choices):
            return choices[ORDINALS.index(ordinal.group(1))]
        # "type 1b" for "Usher syndrome, type 1B": words that only one offered title contains
        typed = set(name_words(text))
        if not typed or len(typed) > MAX_CHOICE_WORDS:
            return None
        fitting = [d for d in choices if typed <= set(name_words(self.searcher.title(d)))]
        return fitting[0] if len(fitting) == 1 else None

    def _state(self, chat_key: str) -> ConversationState:
        state = ConversationState.from_dict(self.conversations.load_conversation(chat_key))
        expires = state.updated_at + self.settings.context_minutes * 60
        return state if expires >= self.clock() else ConversationState()

    def _save(self, chat_key: str, state: ConversationState) -> None:
        state.updated_at = self.clock()
        self.conversations.save_conversation(chat_key, state.to_dict())


def _seen(state: ConversationState | None) -> Callable[[str], bool] | None:
    """The chat's test of whether a sentence was quoted before, when it has a state."""
    return state.was_quoted if state is not None else None


def _section_from_its_start(passages: list[Passage]) -> list[Passage]:
    """The best passage's section in page order, then the rest: no page can tell one family's
    risk, so the section's own account from its start helps most ("About 90-95% of cases of ALS
    are not inherited ..."), not the passage that shares the most words with the question."""
    if not passages:
        return passages
    first = passages[0]
    section = sorted(
        (p for p in passages if p.doc_id == first.doc_id and p.qid == first.qid), key=lambda p: p.position
    )
    return [*section, *(p for p in passages if p not in section)]
