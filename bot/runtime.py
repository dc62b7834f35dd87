"""Wire config to engine: the one place that knows how the layers fit together."""

from __future__ import annotations

from answers.engine import ConversationStore, Engine, EngineSettings
from bot.config import Config
from corpus.passages import ChunkSettings
from retrieval.build import CorpusSelection, open_index
from retrieval.search import Searcher


def selection_from_config(config: Config) -> CorpusSelection:
    return CorpusSelection(
        corpus_path=config.corpus_path,
        collections=tuple(config.corpus.collections),
        page_dirs=tuple(config.resolve(p) for p in config.corpus.page_dirs),
    )


def chunk_settings(config: Config) -> ChunkSettings:
    return ChunkSettings(**vars(config.passages))


def load_engine(
    config: Config, progress: bool = True, conversations: ConversationStore | None = None
) -> Engine:
    """Open (building if needed) the configured index and put the engine on top of it."""
    index = open_index(selection_from_config(config), config.index_dir, chunk_settings(config), progress)
    settings = EngineSettings(
        max_chars=config.answers.max_chars,
        max_excerpts=config.answers.max_excerpts,
        context_minutes=config.answers.context_minutes,
    )
    return Engine(Searcher(index), conversations, settings)
