"""No ticket is lost silently: staff-chat copies that failed for good are sent again once the
chat works, a staff chat Telegram moved is followed, and askers hear when it takes too long.

A ticket's copy for the staff chat can fail for a reason retrying the same request cannot fix:
the bot was removed from the group (403), a bad request (400), or the group became a supergroup
(ChatMigrated, which names the new id). The outbox then gives the copy up (``dead``). Here:

* ChatMigrated: `on_migrated` records the move (setting ``chat_moved:<old>``, so the next start
  and the other replicas follow it), moves every waiting or given-up message to the new id and
  sends them there at once.
* Other permanent failures: `StaffDelivery.redeliver` makes the dead copies due again, at
  start-up, when anything arrives from the staff chat (someone there can reach the bot again),
  and periodically with a backoff from `FIRST_RETRY` doubling to `MAX_RETRY`. After the copies
  it queues one line for staff: "2 questions could not be delivered earlier: #1, #2". The line
  goes out after the copies, so only once the chat works again.
* Meanwhile /healthz is ``degraded`` and /metrics shows ``gardbot_tickets_undelivered``.
* An asker whose open question has no staff-chat copy a day (`LATE_USER_SECONDS`) after they
  were told "Sent" is told so, once, with the web form as another way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.delivery.replicas import Periodic
from bot.telegram import texts
from bot.telegram.render import fill
from bot.telegram.state import Services
from bot.telegram.tickets import report_held_back

log = logging.getLogger(__name__)

FIRST_RETRY = 60.0  # seconds before dead staff-chat copies are tried again, doubling...
MAX_RETRY = 3600.0  # ... up to an hour
LATE_USER_SECONDS = 86400.0  # an asker hears after a day without a staff-chat copy
MOVED = "chat_moved:{}"


def followed(s: Services, chat_id: int | None) -> int | None:
    """The id Telegram moved `chat_id` to (following moves of moves), or `chat_id`."""
    seen: set[int] = set()
    while chat_id is not None and chat_id not in seen:
        seen.add(chat_id)
        moved = s.store.get_setting(MOVED.format(chat_id))
        if moved is None:
            break
        chat_id = int(moved)
    return chat_id


def adopt(s: Services, chat_id: int) -> None:
    """Use `chat_id` as the staff chat from now on (routes included)."""
    if chat_id == s.staff_chat_id:
        return
    log.warning("the staff chat is now %s (Telegram moved it from %s)", chat_id, s.staff_chat_id)
    s.moved_staff_chat = chat_id
    if s.staff_filter is not None:
        s.staff_filter.add_chat_ids(chat_id)


def refresh(s: Services) -> None:
    """Follow a move recorded by this or another replica, or by the last process."""
    configured = s.config.telegram.staff_chat_id
    moved = followed(s, configured)
    if moved is not None and moved != configured:
        adopt(s, moved)


def on_migrated(s: Services, old: int, new: int) -> None:
    """Outbox hook for ChatMigrated: record the move, resend what waits for the old id."""
    s.store.set_setting(MOVED.format(old), str(new))
    moved = s.store.move_chat(old, new)
    log.warning("chat %s became %s: %d messages are sent there now", old, new, moved)
    if old == s.staff_chat_id:
        adopt(s, new)
    s.wake_outbox()


class StaffDelivery(Periodic):
    """Sends dead staff-chat copies of tickets again (see the module docstring)."""

    name = "gardbot-staff-delivery"

    def __init__(
        self,
        services: Callable[[], Services],
        *,
        interval: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.services, self.interval, self.clock = services, interval, clock
        self.backoff = FIRST_RETRY
        self.next_try = 0.0

    @property
    def s(self) -> Services:
        """The bot's services: this job is one of them, so it is given them as a function."""
        return self.services()

    def redeliver(self, why: str) -> list[int]:
        """Queue every given-up ticket copy again, then one line telling staff; the numbers."""
        s = self.s
        chat = s.staff_chat_id
        if chat is None:
            return []
        now = self.clock()
        revived = s.store.revive("ticket", chat, now=now)
        numbers = sorted({int(m.payload["ticket"]) for m in revived})
        if numbers:
            log.warning("%d tickets the staff chat never got are sent again (%s)", len(numbers), why)
            text = fill(
                texts.LATE_TICKETS,
                count=len(numbers),
                questions="question" if len(numbers) == 1 else "questions",
                numbers=", ".join(f"#{n}" for n in numbers),
            )
            s.store.enqueue("notice", chat, {"text": text}, f"late:{revived[0].id}:{now:.3f}")
            s.wake_outbox()
        return numbers

    def poke(self) -> None:
        """Something arrived from the staff chat: it works again, so try now."""
        if self.s.store.outbox_stats(self.clock()).dead_tickets:
            self.redeliver("the staff chat is back")
            self.backoff, self.next_try = FIRST_RETRY, self.clock() + FIRST_RETRY

    def tell_late_askers(self) -> int:
        """Tell, once, each asker whose open question staff have not got after a day."""
        s, now, told = self.s, self.clock(), 0
        for ticket in s.store.list_tickets("open"):
            if ticket.staff_message_id is not None or ticket.chat_id is None:
                continue
            if now - ticket.created_at < LATE_USER_SECONDS:
                continue
            text = fill(
                texts.TICKET_NOT_DELIVERED,
                n=ticket.n,
                role=s.role,
                submission_url=s.config.telegram.submission_url,
            )
            key = f"ticket:{ticket.n}:late"
            s.store.enqueue("notice", ticket.chat_id, {"text": text}, key, user_id=ticket.user_id)
            told += 1
        if told:
            s.wake_outbox()
        return told

    def run_once(self) -> None:
        refresh(self.s)
        now = self.clock()
        if self.s.store.outbox_stats(now).dead_tickets == 0:
            self.backoff = FIRST_RETRY
        elif now >= self.next_try:
            self.redeliver(f"periodic retry, next in {self.backoff:g} s")
            self.next_try = now + self.backoff
            self.backoff = min(self.backoff * 2, MAX_RETRY)
        self.tell_late_askers()
        report_held_back(self.s)  # one line per user held back at the open-ticket cap

    async def tick(self) -> bool:
        self.run_once()
        return True
