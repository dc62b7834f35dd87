"""A message ready to send: HTML parts plus rows of `Button`, plain data that goes into the outbox
as JSON. Delivery's own type: the outbox sends it, the Telegram frontend (bot.telegram.render) makes
it, so the outbox never imports the frontend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data
    url: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"text": self.text}
        if self.data is not None:
            out["data"] = self.data
        if self.url is not None:
            out["url"] = self.url
        return out

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Button:
        return cls(str(value["text"]), value.get("data"), value.get("url"))


@dataclass
class Rendered:
    """One logical message: HTML parts (each within Telegram's limit) and buttons for the last."""

    parts: list[str]
    buttons: list[list[Button]] = field(default_factory=list)
    # The askers whose data (name, question) it shows: a staff-chat copy is recorded under
    # them, so their /forget finds it and edits it to "[withdrawn by the asker]".
    about: tuple[int, ...] = ()

    def payloads(self) -> list[dict[str, Any]]:
        """Outbox payloads, one per part; the buttons ride on the last part."""
        out: list[dict[str, Any]] = [{"text": part} for part in self.parts]
        if out and self.buttons:
            out[-1]["buttons"] = [[b.to_json() for b in row] for row in self.buttons]
        return out


# --------------------------------------------------------------------------- replies
