"""What an answer is made of: plain dataclasses, JSON-ready."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote cited by the quoted sentence."""

    number: int
    text: str


@dataclass(frozen=True)
class Citation:
    """Where a quote stands: section path, paragraph, span inside the paragraph, footnotes."""

    text: str  # the quoted sentence(s), verbatim from the report (markers removed)
    section: tuple[str, ...]
    paragraph: int  # 1-based within the section (the note number for a footnote)
    start: int  # char span of ``text`` inside ``paragraph_text``
    end: int
    paragraph_text: str
    footnotes: tuple[FootnoteRef, ...] = ()
    chunk_id: str = ""
    document: str = ""  # the document's title
    document_path: str = ""  # the file it was read from

    @property
    def section_label(self) -> str:
        return " › ".join(self.section)

    def to_json(self) -> dict:
        out = asdict(self)
        # "section" is the heading the quote stands under, as the report prints it ("Armed
        # groups"); the full path is in "section_path" and, for display, "section_label".
        out["section"] = self.section[-1] if self.section else ""
        out["section_path"] = list(self.section)
        out["section_label"] = self.section_label
        out["footnotes"] = [asdict(f) for f in self.footnotes]
        return out


@dataclass(frozen=True)
class Passage:
    """A retrieved paragraph (or footnote) with its fused score."""

    text: str
    section: tuple[str, ...]
    paragraph: int
    score: float
    chunk_id: str

    def to_json(self) -> dict:
        out = asdict(self)
        out["section"] = " › ".join(self.section)
        return out


@dataclass
class Answer:
    """The reply to one question."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    reason: str = ""  # why it abstained, for logs and eval

    def to_json(self) -> dict:
        """The object `reportqa ask --json`, the HTTP API and eval results share."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "reason": self.reason,
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.text for p in self.passages],
            "passage_details": [p.to_json() for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
