"""What a question asks about, beyond the section type: the ask (issue 17).

The question type (qtype.py) picks a section of the page; many real questions ask one thing that
no section is named for: "Is Kawasaki disease contagious?", "What is the life expectancy with
Fabry disease?", "Can Tietze syndrome cause chest pain?". The ask names that thing, so the
engine can quote the sentences that say something about it, wherever on the page they are, or
say plainly that the page doesn't. "What is X?" and "Tell me about X" have no specific ask.

All cue tables and thresholds live in `AnswerPolicy` (retrieval/policy.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from retrieval.analyzer import analyze, fold
from retrieval.english import english_count
from retrieval.policy import AnswerPolicy
from retrieval.qtype import COMPILED, any_cue

# Words that stand around an object in a question but name nothing of it: "a person's ability to
# walk" is about walking; "other stomach problems" about the stomach.
FILLER = frozenset(
    analyze(
        "people person persons individual individuals patient patients child children kids kid baby "
        "someone anyone adult adults having have develop developing get getting someone's person's "
        "individual's diagnosed diagnosis condition disease disorder syndrome anything something "
        "other any type kind thing things commonly common usually automatically really also risk "
        # who might get it is inheritance, not an object: "an increased risk for his son"
        "son sons daughter daughters father mother parent parents sibling siblings relative relatives "
        "family families generation generations future another first degree "
        # the asker's own words: "do you think the itching has anything to do with X"
        "think know wonder wondering believe possible possibly please tell "
        # a treatment's vague modifiers: "a special diet" is carried by a diet
        "special certain particular new different "
        # an age, which no page's sentence names: "a father who develops ALS in his late forties"
        "teens twenties thirties forties fifties sixties seventies eighties"
    )
)
# Words an object is shown with but no sentence need name: "the ability to walk" is carried by
# a sentence on walking, "other problems" by none in particular.
SHOWN_ONLY = frozenset(
    analyze(
        "ability abilities able problems problem issues issue effects effect recommendations "
        "recommendation changes change restrictions restriction needs management"
    )
)
CLAUSE_END = re.compile(r"[.?!;,]|\b(and|or|but|because|since|if|when|as)\b")
UNSEEN_WEIGHT = 10.0  # nats: a word no page uses is as telling as the rarest one
CLAUSE_END_BETWEEN = re.compile(r"[.?!;,]|\b(or|but|because|since|if|when|as)\b")
ASKS_FOR_THE_CAUSE = re.compile(r"\b(what|which|who|that|whatever)( \w+)?\s*$")
RISK_OR_EFFECT = re.compile(r"\b(risk|affects?|result)\b")
SIGNS_OBJECT_END = re.compile(CLAUSE_END.pattern + r"|\b(in|with|for|among|after|during)\b")
# where the phrase after "have" ends ("could she have children | without X"), and "it" there
HAS_IT_END = re.compile(CLAUSE_END.pattern + r"|\b(without|with|in|like|than|to|for|from)\b")
IT_FIRST = re.compile(r"(it|this|that)\b(?! (back|again|before|too much))")
SIGNS_OF = "signs of"  # the relation of "the early signs of cancer of the vulva" (RELATION_CUES)
THE_CONDITION = re.compile(
    r"(the|this|that|these|his|her|my|their|our|your) (condition|disease|disorder|syndrome|illness)s?\b"
)
# A sentence ends at ".", "?" or "!" and a space, but not after an abbreviation ("monitored
# (i.e. for tumors)?", "e.g. a drug", "Dr. Smith").
QUESTION_SENTENCES = re.compile(
    r"(?<!\bi\.e\.)(?<!\be\.g\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bdr\.)(?<!\bst\.)(?<=[.!?])\s+|\n+"
)


@dataclass(frozen=True)
class Ask:
    """What a question asks about: an attribute ("contagious", "life expectancy", "drug"), or a
    relation ("causes", "linked") to an object (`target`, as typed: "chest pain"), and whether it
    wants a yes or a no. `terms` are the object's analyzed words, the disease's names left out."""

    attribute: str | None = None
    relation: str | None = None
    target: str = ""
    terms: tuple[str, ...] = ()
    yes_no: bool = False
    referent: str = ""  # "this", "this medication": what the question is about, named elsewhere
    own_risk: bool = False  # the risk for one person or family ("a greater risk to me?")
    own_case: bool = False  # whether one person has it ("I wonder if she might have X")

    @property
    def specific(self) -> bool:
        """Whether the question asks one thing a sentence must carry ("what is X?" does not)."""
        return bool(self.attribute or self.relation)

    @property
    def label(self) -> str:
        """A short description for a ticket and the evaluation: "life expectancy",
        "causes: chest pain", "drug: ibuprofen"."""
        if self.relation:
            return f"{self.relation}: {self.target}"
        if self.attribute == "drug":
            return f"drug: {self.target}"
        return self.attribute or ""

    def to_dict(self) -> dict:
        return {
            "attribute": self.attribute,
            "relation": self.relation,
            "target": self.target,
            "yes_no": self.yes_no,
            "referent": self.referent,
            "own_risk": self.own_risk,
            "own_case": self.own_case,
        }


NO_ASK = Ask()
DEFAULT_POLICY = AnswerPolicy()  # made once: a policy is a few µs to make and to hash
DASHES = re.compile(r"(?:^|\s)-\s")
MAX_DASHES = 3  # items run together with " - " this many times: a table or list, not prose
MAX_KEPT = 4096  # terms whose body-part prefixes are kept (_Compiled.same_part)
TOPIC = "topic: "  # the attribute of a section's topic standing in for the section (topic_ask)


@dataclass(frozen=True)
class _Compiled:
    attributes: tuple[tuple[str, re.Pattern[str]], ...]
    carriers: dict[str, re.Pattern[str]]
    topics: dict[str, re.Pattern[str]]
    relations: tuple[tuple[str, re.Pattern[str]], ...]
    drug: re.Pattern[str]
    used: re.Pattern[str]
    yes_no: re.Pattern[str]
    no_ask: re.Pattern[str]
    referent: re.Pattern[str]
    noun_risk: re.Pattern[str]
    verdict: re.Pattern[str]
    needs_previous: re.Pattern[str]
    needs_next: re.Pattern[str]
    diet: re.Pattern[str]
    own: re.Pattern[str]
    risk: re.Pattern[str]
    own_case: re.Pattern[str]
    count_said: re.Pattern[str]
    lifespan_asked: re.Pattern[str]
    lifespan_said: re.Pattern[str]
    policy: AnswerPolicy = field(repr=False)
    _parts: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    def same_part(self, term: str) -> tuple[str, ...]:
        """The word prefixes a page may name an object's word with: the same part of the body
        ("lung": "pulmon", "bronch", "pleur", ...), or the same function ("move": "ataxi",
        "coordin", ...); AnswerPolicy.body_part_words and function_words. Empty for other
        words. Kept per term: every sentence a page is scanned with asks again."""
        found = self._parts.get(term)
        if found is None:
            if len(self._parts) >= MAX_KEPT:
                self._parts.clear()  # questions bring endless terms
            parts, functions = self.policy.body_part_words, self.policy.function_words
            part = next((group for group in parts if any(term.startswith(prefix) for prefix in group)), ())
            found = self._parts[term] = part + next((pre for word, pre in functions if word == term), ())
        return found


_BY_IDENTITY: dict[int, tuple[AnswerPolicy, _Compiled]] = {}


def _compiled(policy: AnswerPolicy) -> _Compiled:
    """The policy's patterns compiled, found by the policy's identity first: hashing a policy
    (every cue a long string in a tuple) cost more than many of the searches it serves."""
    known = _BY_IDENTITY.get(id(policy))
    if known is not None and known[0] is policy:
        return known[1]
    compiled = _compile(policy)
    if len(_BY_IDENTITY) >= 8:
        _BY_IDENTITY.clear()  # policies made per use (Engine._form_policy) come and go
    _BY_IDENTITY[id(policy)] = (policy, compiled)
    return compiled


@lru_cache(maxsize=4)
def _compile(policy: AnswerPolicy) -> _Compiled:
    return _Compiled(
        tuple((name, re.compile(p)) for name, p in policy.attribute_cues),
        {name: re.compile(p) for name, p in policy.carrier_cues},
        {f"{TOPIC}{qtype}": re.compile(p) for qtype, p in policy.topic_cues},
        tuple((name, re.compile(p)) for name, p in policy.relation_cues),
        re.compile(policy.drug_cue),
        re.compile(policy.used_cue),
        re.compile(policy.yes_no),
        re.compile(policy.no_ask),
        re.compile(policy.referent_cue),
        re.compile(policy.noun_risk_cue),
        re.compile(policy.verdict_cue, re.IGNORECASE),
        re.compile(policy.needs_previous, re.IGNORECASE),
        re.compile(policy.needs_next, re.IGNORECASE),
        re.compile(policy.diet_carrier, re.IGNORECASE),
        re.compile(policy.own_cue),
        re.compile(policy.risk_cue),
        re.compile(policy.own_case_cue),
        re.compile(policy.count_said, re.IGNORECASE),
        re.compile(policy.lifespan_asked, re.IGNORECASE),
        re.compile(policy.lifespan_said, re.IGNORECASE),
        policy,
    )


def asking_sentence(question: str) -> str:
    """The sentence that asks: the last one ending in "?", else the last one (a story before a
    question tells what happened, not what is asked)."""
    sentences = [s.strip() for s in QUESTION_SENTENCES.split(fold(question)[:2000]) if s.strip()]
    if not sentences:
        return ""
    asking = [s for s in sentences if s.endswith("?")]
    return (asking or sentences)[-1]


def _has_it(rest: str, names: Iterable[str]) -> bool:
    """Whether what follows "have" is the disease: "it", "this condition", or its name, before any
    word that starts another phrase ("could she have children | without X" is no such ask)."""
    return bool(IT_FIRST.match(rest)) or _names_it(rest, _name_terms(names), HAS_IT_END)


def _names_it(clause: str, name_terms: set[str], ends: re.Pattern[str] = SIGNS_OBJECT_END) -> bool:
    """Whether the words after "signs of" (or "have") name the disease itself, up to the clause's
    end or a preposition that starts another phrase ("heart failure in Marfan syndrome" names
    another)."""
    end = ends.search(clause)
    return bool(set(analyze(clause[: end.start()] if end else clause)) & name_terms)


def _object(phrase: str, names: set[str], policy: AnswerPolicy) -> tuple[str, tuple[str, ...]]:
    """The words of a relation's object and its terms, the disease's own names and filler left
    out; ("", ()) when nothing is left ("Is autism related to Joubert syndrome?" read after
    "related to" names only the disease)."""
    words = phrase.strip(" ?.!,;:'\"").split()
    content: list[int] = []  # places of the words that name something of the object
    terms: list[str] = []
    for place, word in enumerate(words):
        stems = [t for t in analyze(word) if t not in names and t not in FILLER]
        if stems and len(terms) < policy.max_target_words:
            content.append(place)
            terms.extend(t for t in stems if t not in SHOWN_ONLY)
    if not terms:
        return "", ()
    # from its first word to its last, the small words between kept ("ability to walk")
    target = " ".join(
        w
        for place, w in enumerate(words[content[0] : content[-1] + 1], content[0])
        if place in content or not analyze(w)
    )
    return target.strip(" ,;:'\""), tuple(dict.fromkeys(terms))


def _name_terms(names: Iterable[str]) -> set[str]:
    """The analyzed words of the disease's names, which are never what a question asks about."""
    return {t for name in names for t in analyze(name)}


def as_typed(target: str, question: str) -> str:
    """The target as the question typed it ("Crohn's", not "crohn's"): the asking sentence is
    read folded, so its words are found again in the question."""
    found = re.search(re.escape(target), question, re.IGNORECASE) if target else None
    return found.group(0) if found else target


def _drug(compiled: _Compiled, sentence: str) -> str:
    """A treatment the question names: a drug or class of treatment, else a thing it asks may be
    done or used ("a pacemaker can be put in"); "" when none."""
    drug = compiled.drug.search(sentence)
    if drug:
        return drug.group(0)
    used = compiled.used.search(sentence)
    if used is None:
        return ""
    return next(g for g in (used.group("object"), used.group("subject"), used.group("safe")) if g)


def compile_cues(policy: AnswerPolicy | None = None) -> None:
    """Compile the policy's cue patterns now (about 0.1 s), so a chat's first question doesn't."""
    _compiled(policy or DEFAULT_POLICY)


def read_ask(question: str, names: Iterable[str] = (), policy: AnswerPolicy | None = None) -> Ask:
    """The ask of a question; `names` are the disease's names (title, synonyms, as typed), whose
    words are never the object of a relation. `Ask.referent` is set when the question asks about
    "this" beside the disease it names ("Is this related to X?"): what "this" is, it doesn't say.
    `Ask.own_risk` is set when it asks about the risk for one person or family."""
    names = tuple(names)
    ask = _read_ask(question, names, policy)
    sentence = asking_sentence(question)
    compiled = _compiled(policy or DEFAULT_POLICY)
    if compiled.own.search(sentence) and compiled.risk.search(sentence):
        ask = replace(ask, own_risk=True)  # "an increased risk for his son": no page answers for one case
    elif (case := compiled.own_case.search(sentence)) and _has_it(sentence[case.end() :], names):
        ask = replace(ask, own_case=True)  # "I wonder if she might have X": nor whether one person has it
    referent = compiled.referent.search(sentence)
    if referent and any(fold(n) in sentence for n in names if len(n) > 2):
        ask = replace(ask, referent=as_typed(referent.group("ref").strip(), question))
    return ask


def _read_ask(question: str, names: Iterable[str], policy: AnswerPolicy | None) -> Ask:
    """read_ask, without the referent."""
    compiled = _compiled(policy or DEFAULT_POLICY)
    policy = compiled.policy
    sentence = asking_sentence(question)
    if not sentence:
        return NO_ASK
    yes_no = bool(compiled.yes_no.search(sentence))
    attribute = _named_attribute(compiled, sentence)
    drug = _drug(compiled, sentence)
    if attribute and not (drug and attribute in policy.defers_to_a_drug):  # "cured with ERT": the drug
        return Ask(attribute=attribute, yes_no=yes_no)
    relations = [(relation, found) for relation, cue in compiled.relations if (found := cue.search(sentence))]
    risk = compiled.noun_risk.search(sentence)
    if not drug and not relations and not risk:
        return Ask(yes_no=yes_no)  # most questions: no name needs analysing
    name_terms = _name_terms(names)
    if risk and not drug and not relations:  # "a malaria risk": the risk of malaria
        target, terms = _object(risk.group("object"), name_terms, policy)
        return (
            Ask(relation="causes", target=as_typed(target, question), terms=terms, yes_no=yes_no)
            if terms
            else Ask(yes_no=yes_no)
        )
    if drug and compiled.drug.fullmatch(drug) and not set(analyze(drug)) <= name_terms:
        named = [t for t in analyze(drug) if t not in FILLER and t not in SHOWN_ONLY]
        terms = tuple(named) or tuple(analyze(drug))
        return Ask(attribute="drug", target=as_typed(drug, question), terms=terms, yes_no=yes_no)
    if drug:  # a thing done or used: its words, the disease's names and filler left out
        target, terms = _object(drug, name_terms, policy)
        if terms:
            return Ask(attribute="drug", target=as_typed(target, question), terms=terms, yes_no=yes_no)
    for relation, found in relations:
        if relation == SIGNS_OF:  # the signs of another condition than the page's, or none
            after = sentence[found.end() :]
            if THE_CONDITION.match(after) or _names_it(after, name_terms):
                continue  # "symptoms of the condition", "signs of Marfan syndrome": its section
        elif ASKS_FOR_THE_CAUSE.search(sentence[: found.start()]):
            continue  # "what causes X?" asks for the causes section, not about a relation
        if relation == "causes" and not (yes_no or RISK_OR_EFFECT.search(found.group(0))):
            continue  # "including causes", "how the cause was found": no relation asked
        after = sentence[found.end() :]
        between = found.group(0).rstrip().endswith("between")  # "between X and Y": both are named
        clause = (CLAUSE_END_BETWEEN if between else CLAUSE_END).search(after)
        target, terms = _object(after[: clause.start()] if clause else after, name_terms, policy)
        if not terms and relation in {"linked", SIGNS_OF}:  # "Is autism related to X?": the object first
            before = sentence[: found.start()]
            target, terms = _object(before, name_terms, policy)
        if terms:
            return Ask(relation=relation, target=as_typed(target, question), terms=terms, yes_no=yes_no)
    return Ask(yes_no=yes_no)


def _named_attribute(compiled: _Compiled, sentence: str) -> str | None:
    """The attribute a question asks about, or None: the one named last, as a question ends
    with what it asks, after its context ("with the high incidence of cancer in X, is testing
    available?"); of two starting together, the one listed first ("blood tests" is a blood test,
    "cure in the future" research); one named inside the cue of one listed before it is that
    one's ("stop taking the medication" asks about stopping it)."""
    found_at = [
        (m.start(), m.end(), attribute)
        for attribute, cue in compiled.attributes
        if (m := cue.search(sentence))
    ]
    if not found_at:
        return None
    outer = [f for k, f in enumerate(found_at) if not any(_inside(f, other) for other in found_at[:k])]
    return max(outer, key=lambda f: f[0])[2]


def _inside(found: tuple[int, int, str], other: tuple[int, int, str]) -> bool:
    """Whether one cue's match lies within another's, longer one: "medication" in "stop taking
    the medication" (`other` is listed before `found` in AnswerPolicy.attribute_cues)."""
    return other[0] <= found[0] and found[1] <= other[1] and other[1] - other[0] > found[1] - found[0]


def topic_ask(
    qtype: str,
    question: str,
    idf: Mapping[str, float],
    names: Iterable[str] = (),
    policy: AnswerPolicy | None = None,
) -> Ask:
    """The topic of a section as an ask, for a question that asks for a section its page lacks
    ("How is yellow nail syndrome treated?" with no treatment section): the page's sentences
    that name the topic ("there is no cure ..., but there are therapies") or one of the
    question's rare words ("panniculitis", idf at least `lead_idf`, the disease's names left out)
    say more to it than the overview's opening does. NO_ASK for a section with no topic cue."""
    policy = policy or DEFAULT_POLICY
    if f"{TOPIC}{qtype}" not in _compiled(policy).topics:
        return NO_ASK
    name_terms = _name_terms(names)
    rare = (
        t
        for t in analyze(asking_sentence(question))
        if t not in name_terms and t not in FILLER and idf.get(t, 0.0) >= policy.lead_idf
    )
    return Ask(attribute=f"{TOPIC}{qtype}", terms=tuple(dict.fromkeys(rare)))


MENTIONS = "mentions"  # the relation of a lead_ask: the page names the question's rare words
TYPED_WORD = re.compile(r"[^\W_][\w'-]*")  # a word as typed, for naming it back
MAX_LEAD_WORDS = 3  # a question's rare words read as what it asks about, at most


def lead_ask(
    question: str,
    idf: Mapping[str, float],
    names: Iterable[str] = (),
    policy: AnswerPolicy | None = None,
) -> Ask:
    """What a question asks about when no cue says: the rare words of its asking sentence
    beside the disease's names ("Have you heard about mexiletine being used for
    erythromelalgia?", idf at least `lead_idf`), as a relation the page's sentences carry by
    naming them. A page that names none of them doesn't say what was asked, and the reply must
    say so, not quote its treatment section as if it answered. NO_ASK when there are none.

    Words the corpus never uses are left out (a misspelling, or a person's or place's name), and
    so are words typed with capitals ("my son Wilson", "MOPD"): a reply must not hand a child's
    name back as a topic, and an abbreviation is a name, which the linker reads."""
    policy = policy or DEFAULT_POLICY
    sentence = asking_sentence(question)
    if not sentence:
        return NO_ASK
    name_terms = _name_terms(names)
    asked = set(analyze(sentence))
    typed: list[str] = []
    terms: list[str] = []
    for word in TYPED_WORD.findall(question):
        if word.lower() != word or len(word) < 3:
            continue  # a name or abbreviation of its own ("Wilson", "MOPD"): the linker's to read
        if word.endswith("ed") or english_count(word) >= policy.lead_english:
            continue  # everyday words ("centers", "inserted") are rare on medical pages, not rare topics
        stems = [
            t
            for t in analyze(word)
            if t in asked and t not in name_terms and t not in FILLER and t not in SHOWN_ONLY
            and idf.get(t, 0.0) >= policy.lead_idf and t not in terms
        ]  # fmt: skip
        if stems and len(typed) < MAX_LEAD_WORDS:
            typed.append(word)
            terms.extend(stems)
    if not terms:
        return NO_ASK
    target = typed[0] if len(typed) == 1 else ", ".join(typed[:-1]) + " and " + typed[-1]
    return Ask(
        relation=MENTIONS,
        target=target,
        terms=tuple(terms),
        yes_no=bool(_compiled(policy).yes_no.search(sentence)),
    )


# Words of asking itself, not of what is asked: "Can you post information on X?", "I would like
# to learn more about X so I can share it with my doctor".
REQUEST_WORDS = frozenset(
    analyze(
        "provide provided information info details detail learn know like want need find finding "
        "looking look help please send tell give interested more much many about get question "
        "questions answer answers wondering wonder could would should can may might also post share "
        "good general description describe explain known anything something trying try "
        "doctor doctors local research researcher paper student order ordered concerned concern "
        "worried worry current currently conduct conducted ongoing protocol plan without obtain "
        "regarding regard status report reported option options best still experience experiencing "
        "point pass passed quick quickly typically "
        # where and how old: "in the United States", "a 3 year old", "worldwide"
        "united states worldwide world year years old month months week weeks"
    )
)
WORD_END = re.compile(r"\w*")


def leftover_terms(
    question: str, names: Iterable[str], idf: Mapping[str, float], policy: AnswerPolicy | None = None
) -> list[str]:
    """The words of a question's asking sentence that nothing read explains: not the disease's
    names, no section's cue ("treated", "symptoms") nor an attribute's or relation's, no filler
    and no words of asking ("provide information"), and not too common (idf at least
    `hedge_idf`). A quote that names none of them may not answer what was asked: "Where is the
    gene responsible for progeria located?" answered with the causes section."""
    policy = policy or DEFAULT_POLICY
    sentence = asking_sentence(question)
    name_terms = _name_terms(names)

    def unexplained(text: str) -> list[str]:
        return [
            t
            for t in dict.fromkeys(analyze(text))
            if len(t) > 2 and t not in name_terms and t not in FILLER and t not in SHOWN_ONLY
            and t not in REQUEST_WORDS and idf.get(t, 0.0) >= policy.hedge_idf
        ]  # fmt: skip

    if not unexplained(sentence):
        return []  # most questions: only names, common words and words of asking
    compiled = _compiled(policy)
    patterns = [rx for qtype, cues in COMPILED.items() if any_cue(qtype, sentence) for rx, _ in cues]
    patterns += [rx for _, rx in compiled.attributes] + [rx for _, rx in compiled.relations]
    chars = list(sentence)
    for rx in patterns:  # each cue blanked to its word's end ("treat" in "treated")
        for found in rx.finditer(sentence):
            end = WORD_END.match(sentence, found.end()).end()
            chars[found.start() : end] = " " * (end - found.start())
    return unexplained("".join(chars))


def names_object(ask: Ask, sentence: str) -> bool:
    """Whether a sentence names one of the ask's object words itself (not only its topic)."""
    words = set(analyze(sentence)) if ask.terms else set()
    return any(_named(t, words) for t in ask.terms)


def states_verdict(sentence: str, policy: AnswerPolicy | None = None) -> bool:
    """Whether a sentence gives a verdict (a no, or a limit), which a yes/no ask wants: of two
    sentences naming a cure, "There is no cure" answers "Can it be cured?"."""
    return bool(_compiled(policy or DEFAULT_POLICY).verdict.search(sentence))


def direct_cue(ask: Ask, question: str, policy: AnswerPolicy | None = None) -> re.Pattern[str] | None:
    """What a carrier must hold to answer the ask directly, where naming it is not enough: a
    number for how common it is (`count_said`), lifespan or survival for how long people live
    (`lifespan_asked`, `lifespan_said`); None for the other asks."""
    compiled = _compiled(policy or DEFAULT_POLICY)
    if ask.attribute == "frequency":
        return compiled.count_said
    if ask.attribute == "life expectancy" and compiled.lifespan_asked.search(fold(question)):
        return compiled.lifespan_said
    return None


def points_back(sentence: str, policy: AnswerPolicy | None = None) -> bool:
    """Whether a sentence needs the one before it for sense: "Although this surgery ...",
    "However, ...", "Type I (also known as ...), in which ..." (AnswerPolicy.needs_previous)."""
    return bool(_compiled(policy or DEFAULT_POLICY).needs_previous.match(sentence.lstrip()))


def says_it_varies(sentence: str, policy: AnswerPolicy | None = None) -> bool:
    """Whether a sentence only says its topic varies, which the next one spells out: "The
    prognosis for polymyositis varies." (AnswerPolicy.needs_next)."""
    return bool(_compiled(policy or DEFAULT_POLICY).needs_next.search(sentence.strip()))


def carries(ask: Ask, sentence: str, idf: Mapping[str, float], policy: AnswerPolicy | None = None) -> bool:
    """Whether a sentence says something about the ask: names the attribute itself (not a
    neighbouring topic), the drug, or enough of the relation's object (by idf weight)."""
    if not ask.specific:
        return False
    compiled = _compiled(policy or DEFAULT_POLICY)
    if ask.attribute in compiled.topics:  # a section's topic, or a rare word of the question
        if len(DASHES.findall(sentence)) >= MAX_DASHES:
            return False  # a symptom table or a list of sites run together ("- Calcinosis - ...")
        return bool(compiled.topics[ask.attribute].search(fold(sentence))) or names_object(ask, sentence)
    if ask.attribute in compiled.carriers:
        return bool(compiled.carriers[ask.attribute].search(fold(sentence)))
    if ask.attribute == "drug" and ask.terms and set(ask.terms) <= compiled.policy.diet_words:
        return bool(compiled.diet.search(sentence))  # diet in general: a sentence on eating
    lowered = sentence.lower()  # a stem's first letters are the word's: skip analysing most sentences
    if not any(
        t[:PREFILTER] in lowered or any(p in lowered for p in compiled.same_part(t)) for t in ask.terms
    ):
        return False
    terms = set(analyze(sentence))
    if ask.attribute == "drug" or ask.relation == SIGNS_OF:  # every word of it: "physical therapy"
        # is no therapy of another kind, "cancer of the vulva" no cancer elsewhere
        return all(_named(t, terms) for t in ask.terms)
    weights = {t: idf.get(t, UNSEEN_WEIGHT) for t in ask.terms}
    total = sum(weights.values())
    found = sum(
        w
        for t, w in weights.items()
        if _named(t, terms) or any(word.startswith(p) for p in compiled.same_part(t) for word in terms)
    )
    return total > 0 and found / total >= compiled.policy.min_target_share


PREFILTER = 4  # letters of a stem looked for in a sentence before it is analysed
MAX_SHORT_SUFFIX = 3  # letters a four-letter stem may grow by and still be the same word ("dietari")
MIN_PREFIX = 5  # letters: a stem this long names its longer forms ("tumor" -> "tumorigenesis"); a
# shorter one would let "eye movements" answer "the ability to move"


def _named(term: str, terms: set[str]) -> bool:
    """Whether a sentence's terms name an object's term: the same stem, or a longer word built on
    it, which Snowball stems apart ("tumorigenesis" for "tumor")."""
    if term in terms:
        return True
    # a suffix of a few letters at most under a short stem ("diet" -> "dietary", not "move" ->
    # "movement"); any longer word under a longer one
    short = MIN_PREFIX - 1
    if any(term.startswith(t) and len(t) >= short and len(term) - len(t) <= MAX_SHORT_SUFFIX for t in terms):
        return True  # the question's word is the longer one: "dietary" asked, "diet" on the page
    return len(term) >= short and any(
        t.startswith(term) and (len(term) >= MIN_PREFIX or len(t) - len(term) <= MAX_SHORT_SUFFIX)
        for t in terms
    )
