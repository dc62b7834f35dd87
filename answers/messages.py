"""The bot's own words. Everything a user reads that is not quoted page text comes from here."""

NOT_ADVICE = (
    "This is general information from the pages cited, not medical advice. "
    "Please talk to your doctor about your situation."
)

ABSTAIN = (
    "I couldn't find a page in my sources that answers this, so I'd rather not guess. "
    "I can send your question to a GARD information specialist, who will reply here."
)
ABSTAIN_WEAK = (
    "I found pages that mention some of your words, but none that clearly answers your question. "
    "I can send your question to a GARD information specialist, who will reply here."
)
NO_PAGE = (
    "I have no GARD page on {name}, so I won't quote a page about another condition. "
    "I can send your question to a GARD information specialist, who will reply here."
)
# No page on X, but other pages name X in their text: those pages, offered as choices.
NO_PAGE_MENTIONED = (
    "I have no GARD page on {name}, but these GARD pages mention it. Choose one to read it, or I "
    "can send your question to a GARD information specialist, who will reply here."
)
BROADER = (
    "I have no GARD page on {asked} specifically. This is GARD's page on {title}, which covers the "
    "condition in general."
)
SUBTYPE = "This page is about {title}, which may be one type or form of {asked}."
WHICH_DISEASE = (
    'Which disease do you mean? Please ask with its name, for example: "Is Marfan syndrome inherited?"'
)
CHOOSE = "Several conditions match that name. Which one do you mean?"
DID_YOU_MEAN = (
    'I have no page called "{asked}". Did you mean {title}? If not, I can send your question to a '
    "GARD information specialist."
)
CHOOSE_LISTED = "You asked about more than one condition. Which one shall I answer about first?"
CHOOSE_BY_WORD = (
    "I have no page with just that name, but these pages have it in theirs. Is one of them what "
    "you mean? If not, I can send your question to a GARD information specialist."
)
# A type no page has ("spinocerebellar ataxia 7"), of a name pages share: the pages on other types.
CHOOSE_OTHER_TYPES = (
    "I have no GARD page on {asked} specifically. These pages are on other types of {name}. Choose "
    "one to read it, or I can send your question to a GARD information specialist, who will reply here."
)
ENGLISH_ONLY = (
    "I can only read and answer in English, from English pages, so I may have missed part of your question."
)
FOLLOW_UP = "About {title}:"
STAFF_INTRO = "A {role} answered a question like yours on {date}: “{question}”"
ANSWER_INTRO = "From the page on {title}:"
NO_SECTION = "The page on {title} has no section on {section}; here is what it says about it in general."
# No section on it, but sentences elsewhere on the page name its topic ("there is no cure, but
# there are therapies"): said both, so the reader knows the page says no more than these (a
# reader took "this is what it says about it elsewhere" for a full answer).
NO_SECTION_ELSEWHERE = "The page on {title} has no section on {section}; it says only this about it:"
NO_SECTION_OTHER = "The page on {title} has no section on {section}; here is its section on {other}."
NO_MORE = "That's everything I have on this. You can ask another question, or ask a specialist."
NO_CONTEXT_MORE = 'Ask me a question first, then "more" shows further excerpts.'
EMPTY = 'Please type a question about a rare disease, for example: "What causes Tietze syndrome?"'
TOO_LONG = "That message is too long for me ({length} characters). Please ask in under {limit} characters."
NOTHING_TO_SEARCH = (
    "I couldn't find any words to search for in that. Please ask about a disease by name, "
    'for example: "What are the symptoms of Behcet\'s disease?"'
)
GREETING = (
    "Hello! I answer questions about rare diseases from GARD pages (NIH), quoting the pages I use. "
    'Ask me, for example: "What causes Tietze syndrome?"'
)
THANKS = "You're welcome. Ask me anything else about a rare disease."
GOODBYE = "Take care. You can come back with a question at any time."
ACKNOWLEDGE = "Glad to help. Ask me anything else about a rare disease."
ABOUT_BOT = (
    "I am gardbot: I answer questions about rare diseases by quoting pages of NIH's Genetic and "
    "Rare Diseases Information Center (GARD), as collected in the MedQuAD dataset. When I can't "
    "answer, I can pass your question to a GARD information specialist."
)
OFF_TOPIC = (
    "I can only answer questions about rare diseases from GARD pages; I can't help with that. "
    "If you have a question about a condition, ask me, or ask a specialist."
)

SECTION_LABELS = {
    "information": "Overview",
    "symptoms": "Symptoms",
    "causes": "Causes",
    "treatment": "Treatment",
    "inheritance": "Inheritance",
    "exams and tests": "Diagnosis",
    "staff_answer": "Answered question",
    "susceptibility": "Who is at risk",
    "prevention": "Prevention",
    "outlook": "Outlook",
    "research": "Research",
    "frequency": "Frequency",
    "genetic changes": "Genetic changes",
    "complications": "Complications",
    "stages": "Stages",
    "considerations": "Considerations",
    "support groups": "Support groups",
}


def section_label(qtype: str) -> str:
    return SECTION_LABELS.get(qtype, qtype.replace("_", " ").capitalize())


# --- conversation (issue 15: help as a message) -------------------------------------------------
HELP = (
    "I answer questions about rare diseases by quoting GARD pages. Ask me about a condition by name, "
    'for example: "What causes Tietze syndrome?" Then "more" shows further excerpts of the same '
    "page, and /help lists my commands."
)


# --- the ask (issue 17): what the page doesn't say, said first --------------------------------
DOESNT_SAY = (
    "GARD's page on {title} doesn't say {what}. I can send your question to a GARD information "
    "specialist, who may know more."
)
CLOSEST = "What the page does say:"
# GARD's page doesn't say it; the same disease's page in another NIH collection does
# (retrieval/siblings.py). {source} is that collection's name ("NINDS").
DOESNT_SAY_SIBLING = "GARD's page on {title} doesn't say {what}. {source}'s page on it says:"
NO_SECTION_SIBLING = "GARD's page on {title} has no section on {section}. {source}'s page on it says:"
# The question asks about the risk for one person or family; a page speaks of everyone.
OWN_RISK = (
    "GARD's page on {title} gives general information and can't tell the risk for one person or "
    "family. I can send your question to a GARD information specialist, who may know more."
)
# A question whether one person has the disease ("I wonder if she might have X").
OWN_CASE = (
    "GARD's page on {title} gives general information and can't tell whether one person has it. I "
    "can send your question to a GARD information specialist, who may know more."
)
# A question on research or trials that a page carries: the page is dated, a specialist may know
# of newer work.
RESEARCH_DATED = (
    "GARD's page on {title} may not hold the latest research. I can send your question to a GARD "
    "information specialist, who may know more."
)
# The question asks about "this" beside the disease it names, and doesn't say what "this" is.
REFERENT = (
    "Your question asks about “{referent}” without saying what it is, so GARD's page on {title} may "
    "not answer it. I can send your question to a GARD information specialist, who may know more."
)
# How each ask reads in DOESNT_SAY; {target} is the thing the question named, as typed.
ASK_PHRASES = {
    "contagious": "whether it is contagious",
    "life expectancy": "what the life expectancy or outlook is",
    "passing it on": "what the chance is of passing it on to a child",
    "pregnancy": "anything about pregnancy or fertility",
    "sports": "anything about sports or physical activity",
    "research": "anything about research or clinical trials",
    "specialist": "which doctors or specialists to see",
    "support": "anything about support groups or patient organizations",
    "prenatal": "anything about diagnosis before birth",
    "genetic test": "anything about genetic testing",
    "test": "which tests are used",
    "frequency": "how many people it affects",
    "cure": "whether it can be cured",
    "remission": "whether it can go into remission or treatment can be stopped",
    "medication": "anything about medication for it",
    "monitoring": "how it should be monitored",
    "recovery": "whether it improves, goes away or can be reversed",
    "similar conditions": "how it differs from other conditions",
    "blood test": "anything about a blood test",
    "drug": "anything about {target}",
    "causes": "anything about {target}",
    "linked": "whether it is linked to {target}",
    "signs of": "anything about {target}",
    "mentions": "anything about {target}",
}
# A reply quoting the sentences that carry the ask says what they are about, not just the page:
# a sentence may name the thing asked without settling the question.
ABOUT_ASK = "What GARD's page on {title} says about {about}:"
# ... when the quotes leave out words of the question nothing read explains (ask.leftover_terms),
# or name only its rare words (ask.lead_ask): naming them may not answer it, so the bot says it
# couldn't find an answer to exactly that, and a specialist is offered.
MAY_NOT_ANSWER = "I couldn't find an answer to exactly what you asked on GARD's page on {title}."
ABOUT_WORDS = MAY_NOT_ANSWER + " What it says about {about}:"
ASK_ABOUT = {
    "contagious": "whether it is contagious",
    "life expectancy": "life expectancy and outlook",
    "passing it on": "the chance of passing it on",
    "pregnancy": "pregnancy and fertility",
    "sports": "sports and physical activity",
    "research": "research and clinical trials",
    "specialist": "doctors and specialists",
    "support": "support groups and patient organizations",
    "prenatal": "diagnosis before birth",
    "genetic test": "genetic testing",
    "test": "tests",
    "frequency": "how common it is",
    "cure": "a cure",
    "remission": "remission and stopping treatment",
    "medication": "medication",
    "monitoring": "monitoring",
    "recovery": "improvement and recovery",
    "similar conditions": "similar conditions",
    "blood test": "blood tests",
    "drug": "{target}",
    "causes": "{target}",
    "linked": "{target}",
    "signs of": "{target}",
}
# GARD's synonym lists, not the bot, say the two are the same (some list a broader condition:
# "Osteomyelitis" on Prosthetic joint infection's page), so the line says whose word it is.
OTHER_NAME = "GARD's page on {title} lists {asked} as another name for it."
CLARIFY = (
    "What would you like to know, and about which condition? Please ask with its name, for "
    'example: "How is Marfan syndrome treated?"'
)


def ask_phrase(attribute: str | None, relation: str | None, target: str) -> str:
    """The ask in words for DOESNT_SAY: a fixed phrase per attribute or relation."""
    phrase = ASK_PHRASES.get(relation or attribute or "", "anything about that")
    return phrase.format(target=target or "that")


def ask_about(attribute: str | None, relation: str | None, target: str) -> str:
    """The ask as the topic of ABOUT_ASK: a fixed phrase per attribute or relation."""
    phrase = ASK_ABOUT.get(relation or attribute or "", "{target}")
    return phrase.format(target=target or "this")
