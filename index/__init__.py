"""document -> searchable index: parse sections/paragraphs/footnotes, chunk, embed, persist."""
from .chunking import FOOTNOTES_SECTION, LEADING_REFERENCE, Chunk, chunk_document
from .document import Document, Footnote, Paragraph, Section, Sentence
from .embedder import Embedder, E5Embedder, MiniLMEmbedder, ModelUnavailable, load_embedder
from .errors import DocumentError, IndexCorrupt, ReportQAError
from .loaders import load_document
from .parse_text import parse_text
from .store import SearchIndex, build_index, load_index, read_manifest
from .tokens import STOPWORDS, fold, stem, terms, words

__all__ = [
    "Chunk", "Document", "DocumentError", "E5Embedder", "Embedder", "FOOTNOTES_SECTION", "Footnote",
    "IndexCorrupt", "LEADING_REFERENCE", "MiniLMEmbedder", "ModelUnavailable", "Paragraph", "ReportQAError", "STOPWORDS",
    "SearchIndex", "Section", "Sentence", "build_index", "chunk_document", "fold", "load_document",
    "load_embedder", "load_index", "parse_text", "read_manifest", "stem", "terms", "words",
]
