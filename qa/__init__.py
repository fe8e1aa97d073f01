"""question -> answer: hybrid retrieval, extractive answers with citations, honest refusals.

The public API that ui/ and eval/ use::

    from qa import Assistant, Config
    answer = Assistant(Config()).ask("When did the drone strikes on Amasrakad happen?")
"""
from index import DocumentError, IndexCorrupt, ModelUnavailable, ReportQAError

from .assistant import Assistant, index_dir_for, load_embedders, prepare_index
from .library import IndexSummary, collection_documents, index_documents
from .config import DEFAULT_DOCUMENT, PROJECT_ROOT, Config, default_cache_dir
from .records import Answer, Citation, FootnoteRef, Passage

__all__ = [
    "Answer", "Assistant", "Citation", "Config", "DEFAULT_DOCUMENT", "DocumentError", "FootnoteRef", "IndexSummary",
    "collection_documents", "index_documents",
    "IndexCorrupt", "ModelUnavailable", "PROJECT_ROOT", "Passage", "ReportQAError", "default_cache_dir",
    "index_dir_for", "load_embedders", "prepare_index",
]
