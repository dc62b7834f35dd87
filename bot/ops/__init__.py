"""Operations: /healthz (`health`), /metrics (`metrics`), log set-up and redaction (`logs`) and the
named crash points the durability tests use (`crash`). Imports no other part of bot/."""
