"""What kind of answer a question wants: the section type of a disease page to prefer.

Cue phrases per type, each with a weight; the question's score per type is the sum of the cues it
contains. A question with no cue asks for the overview ("information"). Types a page may lack get
a fallback through their secondary cues (a "genetic?" question prefers inheritance, then causes).
"""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.analyzer import fold

INFORMATION = "information"
ASKED = 0.5  # a preference this high means the question asks for that section

# Inheritance cues share these word classes. Kin are who might get it from whom; a verb of
# getting a condition is no cue when what is got is care, a test or a course ("will my son get
# better", "can my baby have surgery", "how do kids get diagnosed").
KIN = (
    r"(kids?|child|children|baby|babies|sons?|daughters?|sisters?|brothers?|siblings?|twins?|offspring"
    r"|grand(kids|children|child|sons?|daughters?)|nieces?|nephews?|cousins?|relatives|family members)"
)
SEXES = r"(girls|boys|women|men|females|males|a girl|a boy|a woman|a man)"
PARENTS = r"(mom|mum|mother|dad|father|parents?|husband|wife|partner|grand(ma|pa|mother|father|parents?))"
GET_IT = r"(get|gets|have|has|develop|inherit|be affected|be born with|carry|be (a )?carriers?)\b"
NOT_THE_CONDITION = (
    r"(?!\s+(an? |the |any |some )?(diagnos|tested|tests?\b|treat|screen|surger|operation|therap|medic|vaccin"
    r"|symptoms|problems|pain|seizures|better|worse|checked|help|care|normal|a normal|worried|rid of))"
)
MAYBE = r"(will|would|could|can|might|may|possible|likely|chances?|odds|risk)"
NEAR = r"[^.?!]{0,60}"  # within a clause; bounded, so a long message can't make the search slow

# "Can Tietze syndrome cause chest pain?", "does it give you headaches?", "can this lead to
# blindness?": what the disease does, so symptoms. Not when what is caused is the disease itself,
# named by a pronoun or a head word ("can stress cause it?", "can a virus cause Bell's palsy
# disease?"), and not "what can cause X?", which asks for causes.
CAUSES_A_FEATURE = (
    r"(?<!what )(?<!which )(?<!that )(?<!who )\b(can|could|does|do|did|will|would|might|may)\b[^.?!]{0,60}?"
    r"(?<!its )(?<!the )(?<!a )(?<!underlying )(?<!you )"
    r"\b(cause|causes|lead to|leads to|result in|results in|bring on|brings on"
    r"|gives? (you|people|patients|someone|kids|children|me|him|her|them))\b(?=\s+\w)"
    r"(?!\s+(it|this|that|them|these|those|him|her|me|us|the (condition|disease|disorder|syndrome))\b)"
    r"(?![^.?!]{0,60}\b(syndrome|disease|disorder|deficiency)s?\b)"
)

# What helps with the disease is treatment; help asked of the bot is not: "can you help?",
# "help me find information", "any help you could provide".
HELPS = r"(?<!you )(?<!your )(?<!any )\bhelps?\b(?! (me|us)\b)"

# "Is it hereditary?", "a hereditary disease?" ask about inheritance; "hereditary" before a name's
# other words ("Can hereditary hemorrhagic telangiectasia be treated?") is part of the name.
HEREDITARY = (
    r"\bhereditary\b(?!\s+(?!(disease|condition|disorder|syndrome|illness|problem|form|type)s?\b"
    r"|(or|and|in|to|from|through|for|because|as|but|if|is|was|then|too|also|on|by|with|at|not)\b)[a-z])"
)

CUES: dict[str, list[tuple[str, float]]] = {
    "symptoms": [
        (r"\bsymptom", 3), (r"\bsigns?\b", 2.5), (r"\bfeatures?\b", 2), (r"\blook(s)? like\b", 2),
        (r"\bwhat happens\b", 1.5), (r"\bcharacteristic", 1.5), (r"\bpart of (the|this) condition", 2),
        (r"\bmanifest", 2), (r"\bcomplication", 1), (r"\bwatch (out )?for\b", 1.5),
        (r"\bhow does it affect", 1.5), (r"\bprogress", 0.5),
        # what the disease does to you: "can X cause Y?", "does X give you Y?", "is Y part of X?"
        (CAUSES_A_FEATURE, 3), (r"\b(is|are|was|were)\b[^.?!]{0,60}\bpart of\b", 2.5),
    ],
    "causes": [
        (r"\bcaus", 2.5), (r"\bwhy (do|does|did|would|is|are)\b", 2), (r"\btrigger", 1.5),
        (rf"\bhow (do|does|did|can) (you|people|someone|one|i|a person|kids|children) (get|catch|develop)\b{NOT_THE_CONDITION}", 3),
        (r"\bcatch", 1.5), (r"\bwhat gene", 2.5), (r"\bgenes?\b", 1), (r"\bmutation", 1),
        (r"\breason", 1.5), (r"\brisk factor", 1.5), (r"\bgenetic\b", 1), (r"\bcontagious", 1.5),
        (r"\bwhere does it come from", 2), (r"\bwhat leads to\b", 2),
        (r"\blinks? (between|to)\b", 2), (r"\bcontribut", 2), (r"\benvironment", 2), (r"\bexposure\b", 1.5),
        (r"\btoxin", 1.5), (r"\bhow (does|did|can|could) (it|this|that) happen\b", 2.5),
    ],
    "treatment": [
        (r"\btreat", 3), (r"\bcur(e|es|ed|ing|able)\b", 3), (r"\btherap", 2.5), (r"\bmanag", 2), (r"\bmedic", 2),
        (r"\bdrugs?\b", 2), (r"\bsurg(er|ical)", 2), (r"\boperat", 1.5), (r"\bremov", 1.5), (HELPS, 1),
        (r"\bwhat can (be done|i do|we do)", 2.5), (r"\bscreening\b", 1.5), (r"\bfollow[- ]?up", 1.5),
        (r"\bgo away\b", 2), (r"\bcome back\b", 1.5), (r"\brecur", 1.5),
        (r"\bmonitor", 2), (r"\bsurveillance\b", 2), (r"\b(being |be )?used (for|to treat|in)\b", 1.5),
        (r"\brelie", 2), (r"\b(take|taking)\b", 1), (r"\bantibiotic", 1.5),
        (r"\bslow(s|ed|ing)?\b", 2), (r"\bprevent", 2), (r"\bdiet", 2), (r"\bfoods?\b", 2), (r"\bsupplement", 2),
        (r"\bexercis", 1.5), (r"\bimprov", 1.5), (r"\breduc", 1.5), (r"\bget rid of\b", 2.5),
        (r"\b(anything|something)\b[^.?!]{0,30}\b(be done|do)\b", 2.5),
        (r"\bbe (fixed|corrected|repaired|reversed|slowed|improved|restored)\b", 2.5),
        # symptoms as what is treated: "how can I manage the symptoms?", "can the symptoms be eased?"
        (rf"\b(manag|treat|cur|halt|slow|reliev|reduc|control|eas|improv)\w*\b{NEAR}\bsymptoms?\b", 2),
        (r"\bsymptoms?\b[^.?!]{0,30}\b(be )?(managed|treated|cured|halted|slowed|relieved|reduced|controlled|eased)\b", 2),
    ],
    "inheritance": [
        (r"\binherit", 3.5), (HEREDITARY, 3.5), (r"\bgenetic\b", 2),
        (r"\brun(s)? in (the )?famil", 3), (r"\bpassed from\b", 3),
        (r"\bfrom (my|his|her|their|our) (mom|mother|dad|father|parents?)\b", 2.5),
        (r"\b(chance|chances|odds|risk)\b.*\b(baby|child|children|kids|have it|get it|too)\b", 2.5),
        (r"\bcarriers?\b", 1.5), (r"\bnext (child|baby|pregnancy)\b", 2.5),
        # a carrier asking about children: "I carry the gene for X. What does that mean for my kids?"
        (r"\bcarr(y|ies|ying) (the|a|this|that) (\w+ )?(gene|mutation|trait)\b", 3),
        (rf"\bmean for (my|our|his|her|their) (future )?{KIN}\b", 2.5),
        (rf"\b(our|my) (kids|children|baby|son|daughter) (get|have|inherit)\b{NOT_THE_CONDITION}", 1.5),
        (rf"\b(our|my|his|her|their) (other )?(kids|children|baby|sons?|daughters?)\b.*\b(get|inherit)\b{NOT_THE_CONDITION}", 2),
        (r"\bhappen again\b", 2), (r"\bget it from\b", 2.5),
        # passing it on: "pass it down", "passing it on", "pass X to my children"
        (r"\bpass(es|ed|ing)?\b(\s+\S+){0,4}?\s+(down|on|along)\b", 3),
        (rf"\bpass(es|ed|ing)?\b{NEAR}\bto (my|our|his|her|their|your|the)?\s*(future |other )?{KIN}\b", 3),
        # a relative who may get it: "could my brother's kids get X", "will my sister's children be
        # affected", "what are the chances my other son has it" (not "how can kids get X": causes)
        (rf"(?<!how )\b{MAYBE}\b{NEAR}\b{KIN}\b{NEAR}\b{GET_IT}{NOT_THE_CONDITION}", 3),
        # who can get it: "who can get X", "do girls get X too", "can men be carriers"
        (rf"\bwho (can|could|will|might|may|tends? to|is likely to) {GET_IT}{NOT_THE_CONDITION}", 3),
        (rf"\b(do|does|can|could|will|are|is) {SEXES}\b{NEAR}\b{GET_IT}{NOT_THE_CONDITION}", 3),
        (rf"\baffects? (only )?{SEXES}\b", 2), (rf"\bonly (in )?{SEXES}\b", 2),
        # a parent has it, will a child: "my father had it, will I get it?"
        (rf"\b{PARENTS}\b{NEAR}\b(has|had|have|carries|carried)\b{NEAR}\b(will|could|can|might|may) (i|we|he|she|they|it) {GET_IT}{NOT_THE_CONDITION}", 3),
        # asked alone, after a sentence that says who has it: "My mom has ALS. Will I get it?"
        (rf"^\W*(will|would|could|can|might|may) (i|we|he|she|they|(my|our) {KIN}) (also |ever )?(get|inherit|develop) (it|this|that)\b", 2.5),
        (r"\bskip(s|ped|ping)? (a )?generations?\b", 3),
        # from whom: "does it come from one of us parents?", "did he get it from his father?"
        (rf"\b(come|comes|came|coming|get|got|gets) (it )?from\b{NEAR}\b{PARENTS}\b", 3),
        # who is likely to get it: risk, chances, future generations, dominant or recessive
        (rf"\b(chances?|odds|likelihood|probability|risk)\b{NEAR}\b(develop|get|getting|have|having|inherit|pass)\w*\b{NOT_THE_CONDITION}", 2.5),
        (r"\b(increased|higher|high|greater|elevated) (risk|chance)", 2.5), (r"\bat risk\b", 2.5),
        (r"\b(future|next|successive|later) generations?\b", 3), (r"\b(autosomal|dominant|recessive|x-linked)\b", 2.5),
        (r"\bgenetics\b", 2), (r"\bpre-?dispos", 2.5), (r"\btransmi(t|ss)", 2),
        (r"\bcarr(y|ies|ying) (the|a|this|that) (gene|mutation)", 3),
        (r"\b(will|would|could|might|may) (they|he|she|i|we) be affected\b", 2.5),
        (r"\bethnic", 2), (r"\bmore likely to (get|develop|have)\b", 2),
    ],
    "exams and tests": [
        (r"\bdiagnos(?!ed with)", 3), (r"\b(how|when|where|why)\b[^.?!]{0,30}\bdiagnosed with\b", 3), (r"\btests?\b", 2.5), (r"\btested\b", 3), (r"\btesting\b", 2.5),
        (r"\bexam", 2), (r"\bbiops", 2), (r"\bx[- ]?rays?\b", 1.5), (r"\bultrasound", 1.5),
        (r"\bmri\b", 1), (r"\bscan\b", 1), (r"\bconfirm", 2), (r"\bblood test", 2),
        (r"\b(lab|labs|laboratory)\b", 2), (r"\b(results?|levels?|values?|findings?)\b[^.?!]{0,30}\bexpect", 1.5),
        (r"\bhow (do|can|will) (they|doctors|you|we|i) (know|tell|find out)", 2.5),
        (r"\bdetect", 2), (r"\bscreen", 1), (r"\b(get|be|been) checked\b", 2.5), (r"\bgenetic test", 1.5),
        (r"\b(difference between|different from|differ from|mistaken for|distinguish|tell (them|it|the two) apart)\b", 2.5),
        (r"\b(wonder|think|suspect)\b[^.?!]{0,40}\b(she|he|i|we|they|my \w+) (might |may |could )?(have|has)\b(?!\s+(children|kids|a child|a baby|it))", 2.5),
    ],
    INFORMATION: [
        (r"\bwhat (is|are|'s)\b", 1.5), (r"\bwhats\b", 1.5), (r"\bmean(s|ing)?\b", 1.5),
        (r"\bexplain", 2), (r"\btell me about\b", 2), (r"\bwhat kind of\b", 1.5),
        # asking for information as such: "information on this condition", "learn more about it"
        (r"\binformation (on|about|for|regarding)\b", 1.5), (r"\blearn(ing)? more\b", 1.5), (r"\bunderstand\b", 1),
        (r"\bis (it|this|that) (cancer|serious|dangerous|rare|common|the same)", 2),
        (r"\bsame (thing|as)\b", 1.5), (r"\bin simple words\b", 1.5), (r"\boverview\b", 2),
        (r"\bexactly\b", 0.5), (r"\bprognosis\b", 1), (r"\blife expectancy\b", 1),
    ],
}  # fmt: skip
COMPILED = {t: [(re.compile(p), w) for p, w in cues] for t, cues in CUES.items()}


def _starts_at_a_word(pattern: str) -> bool:
    """Whether a pattern opens with a word boundary that holds for all of it: "\\b(a|b)c", not
    "\\ba|b" (an alternation outside any group)."""
    if not pattern.startswith(r"\b"):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
        i += 1
    return True


def _gates(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """Passes that tell whether any of a type's cues is there at all: most sentences hold none of
    most types' cues, and trying each cue alone is what reading a question costs. The cues that
    open with a word boundary share it, hoisted out of their alternation, so the search tries them
    only where a word starts (3 to 6 times faster than every alternative at every letter)."""
    bounded: list[str] = []
    rest: list[str] = []
    for p in patterns:
        if _starts_at_a_word(p):
            bounded.append(p[2:])
        else:
            rest.append(p)
    gates = [re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")] if bounded else []
    return (*gates, *([re.compile("|".join(f"(?:{p})" for p in rest))] if rest else []))


ANY_CUE = {t: _gates([p for p, _ in cues]) for t, cues in CUES.items()}
INHERITANCE_FALLBACK = 0.6  # share of an inheritance score that also counts for causes


CONTEXT_WEIGHT = 0.35  # cues in the story around a question ("the test showed...") count less
TIME_CLAUSE = re.compile(r"\b(before|after|until|once|since)\s+(\w+\s+){0,2}$")
TIME_CLAUSE_WEIGHT = 0.5  # "a test ... before symptoms start" asks about the test
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _weighted_sentences(text: str) -> list[tuple[str, float]]:
    """Sentences with how much their cues count: the ones asking something count fully."""
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return []
    asking = [s.rstrip().endswith("?") for s in sentences]
    if not any(asking):
        asking[-1:] = [True]  # no question mark: the last sentence is usually the question
    return [(s, 1.0 if ask else CONTEXT_WEIGHT) for s, ask in zip(sentences, asking, strict=True)]


def _cue_weight(cue: re.Pattern[str], weight: float, sentence: str) -> float:
    """A cue's weight in a sentence: 0 when absent, less inside a time clause."""
    found = cue.search(sentence)
    if found is None:
        return 0.0
    return weight * TIME_CLAUSE_WEIGHT if TIME_CLAUSE.search(sentence[: found.start()]) else weight


def question_types(question: str) -> dict[str, float]:
    """Preference per section type, best = 1.0; overview always keeps a little preference."""
    return dict(_question_types(question[:2000]))


@lru_cache(maxsize=4096)
def _question_types(question: str) -> tuple[tuple[str, float], ...]:
    """question_types, remembered: a message is read for its type more than once on its way
    (a follow-up is searched with and without the conversation's disease)."""
    text = fold(question)
    scores = dict.fromkeys(COMPILED, 0.0)
    for sentence, weight in _weighted_sentences(text) or [(text, 1.0)]:
        for qtype, cues in COMPILED.items():
            if any_cue(qtype, sentence):
                scores[qtype] += weight * sum(_cue_weight(rx, w, sentence) for rx, w in cues)
    scores["causes"] = max(scores["causes"], scores["inheritance"] * INHERITANCE_FALLBACK)
    top = max(scores.values())
    if top <= 0:
        return ((INFORMATION, 1.0),)
    prefs = {qtype: score / top for qtype, score in scores.items() if score > 0}
    prefs[INFORMATION] = max(prefs.get(INFORMATION, 0.0), 0.3)
    return tuple(prefs.items())


def any_cue(qtype: str, text: str) -> bool:
    """Whether any of a section type's cues is in a folded text (its gates, _gates)."""
    return any(gate.search(text) for gate in ANY_CUE[qtype])


def has_cue(text: str) -> bool:
    """Whether any section's cue is in the text (a disease's name: "symptomatic pineal cyst")."""
    folded = fold(text)
    return any(gate.search(folded) for gates in ANY_CUE.values() for gate in gates)


def main_type(prefs: dict[str, float]) -> str:
    return max(prefs.items(), key=lambda item: item[1])[0]
