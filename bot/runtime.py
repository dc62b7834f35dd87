"""Wire config to engine: the one place that knows how the layers fit together."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from answers.engine import ConversationStore, Engine
from bot.config import Config
from corpus.passages import ChunkSettings
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher
from store import Store, StoreError, open_store, redact, redact_url

log = logging.getLogger(__name__)


def selection_from_config(config: Config) -> CorpusSelection:
    return CorpusSelection(
        corpus_path=config.corpus_path,
        collections=tuple(config.corpus.collections),
        page_dirs=tuple(config.resolve(p) for p in config.corpus.page_dirs),
    )


def chunk_settings(config: Config) -> ChunkSettings:
    return ChunkSettings(**vars(config.passages))


def load_engine(
    config: Config,
    progress: bool = True,
    conversations: ConversationStore | None = None,
    published_from: Store | None = None,
    chat: bool = True,
) -> Engine:
    """Open (building if needed) the configured index and put the engine on top of it; with a
    store, the answers staff published join the index, so they survive restarts. `chat` loads
    what only chat replies need at once; a process that only searches passes False."""
    index = open_index(selection_from_config(config), config.index_dir, chunk_settings(config), progress)
    engine = Engine(Searcher(index), conversations, config.answers)
    if chat:
        engine.warm_up()
    if published_from is not None:
        records = published_from.list_published()
        engine.load_published(records)
        log.info("%d published staff answers added to the index", len(records))
    return engine


def load_engine_with_published(config: Config, progress: bool = True, chat: bool = True) -> Engine:
    """For the console and `gardbot search`: the engine plus whatever staff published."""
    store = existing_store(config)
    try:
        return load_engine(config, progress, published_from=store, chat=chat)
    finally:
        if store is not None:
            store.close()


def existing_store(config: Config) -> Store | None:
    """The bot's database if there is one, so the console answers with published answers too;
    None rather than creating an empty database file."""
    url = config.database_url
    if "://" not in url and not Path(url).is_file():
        return None
    try:
        return open_store(url)
    except (OSError, ValueError, sqlite3.Error, StoreError) as exc:  # the console works without it
        log.warning(
            "could not open the database %s (%s); published answers are left out",
            redact_url(url),
            redact(str(exc), url),
        )
        return None
