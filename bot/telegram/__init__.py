"""The Telegram frontend: wiring (`app`), handlers, rendering, texts, staff tickets, publishing
and the state kept between updates. Built on delivery (`bot.delivery`) and operations (`bot.ops`)."""
