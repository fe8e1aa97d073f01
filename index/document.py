"""Records for a parsed document: sections, paragraphs, sentences, footnotes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Footnote:
    """A numbered note at the end of the document."""

    number: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph, with its character span in the clean paragraph text."""

    text: str
    start: int
    end: int
    footnotes: tuple[int, ...] = ()


@dataclass
class Paragraph:
    """A body paragraph. ``text`` has footnote markers removed; ``raw`` keeps them."""

    text: str
    raw: str
    number: int  # 1-based position inside its section
    sentences: list[Sentence] = field(default_factory=list)
    footnotes: tuple[int, ...] = ()


@dataclass
class Section:
    """A heading and the paragraphs under it. ``path`` is the heading path from the top."""

    title: str
    level: int
    path: tuple[str, ...]
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Document:
    """A parsed document: title, sections in reading order, footnotes by number."""

    title: str
    sections: list[Section]
    footnotes: dict[int, Footnote]
    source: str = ""

    def paragraphs(self) -> list[tuple[Section, Paragraph]]:
        """Every (section, paragraph) pair in reading order."""
        return [(s, p) for s in self.sections for p in s.paragraphs]

    @property
    def headings(self) -> list[str]:
        return [s.title for s in self.sections]
