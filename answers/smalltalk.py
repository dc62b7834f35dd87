"""Messages that are not questions about a disease: greetings, thanks, questions about the bot.

They get a short fixed reply instead of a search, so "hi" never quotes a page about a disease.
"""

from __future__ import annotations

import re

from answers import messages
from retrieval.analyzer import fold

PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(hi+|hello+|hey+|hiya|howdy|good (morning|afternoon|evening|day)|greetings|yo|hallo|hola|bonjour|start)( there| bot| gardbot)?$"), messages.GREETING),
    (re.compile(r"^(thanks?( you)?( (so|very) much)?|thank u|thx|ty|cheers|many thanks|much appreciated|great thanks|ok thanks?|okay thanks?)( a lot)?$"), messages.THANKS),
    (re.compile(r"^(bye+|goodbye|good bye|see (you|ya)|cya|good night|take care)$"), messages.GOODBYE),
    (re.compile(r"^(ok(ay)?|k|cool|great|nice|good|perfect|got it|understood|alright|all right|sure|yes|no|yep|nope|fine|wow|lol)$"), messages.ACKNOWLEDGE),
    (re.compile(r"^(help|help me|help please|please help|commands|menu|how do i use (you|this|this bot))$"), messages.HELP),
    (re.compile(r"^(who (made|built|created|runs|are) (you|this bot|this)|what are you|are you (a )?(bot|robot|human|real|ai)|what can you do|how do you work|who is behind this( bot)?)$"), messages.ABOUT_BOT),
]  # fmt: skip
EMOJI_ONLY = re.compile(r"^[\W_]*$")


def classify(text: str) -> str | None:
    """The fixed reply for small talk, or None when the message may be a real question."""
    folded = fold(text)
    cleaned = " ".join(re.sub(r"[^\w\s']", " ", folded).replace("'", "").split())
    if not cleaned:
        return messages.ACKNOWLEDGE if EMOJI_ONLY.match(folded) and folded.strip() else None
    for pattern, reply in PATTERNS:
        if pattern.match(cleaned):
            return reply
    return None
