"""Durable delivery: every update is recorded before it is handled (`inbox`), every message the bot
sends is queued and retried (`outbox`, with its `message` type), replicas share the work
(`replicas`) and Telegram's flood limits (`flood`). Knows nothing of handlers or texts."""
