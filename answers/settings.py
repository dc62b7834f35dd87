"""The answer engine's settings, one type for the engine (answers.engine.Engine) and the config
(config.yaml's `answers:` section, read by bot.config).

A module of its own, with nothing to import, so reading the config doesn't load the engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSettings:
    max_chars: int = 1200  # longest reply body
    max_excerpts: int = 3
    context_minutes: float = 30.0  # how long a chat's last disease is remembered for follow-ups
    # when GARD's page doesn't say what was asked, quote the same disease's page in another NIH
    # collection of MedQuAD that does (retrieval/siblings.py)
    sibling_pages: bool = True
