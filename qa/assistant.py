"""The public entry point: ``Assistant(config).ask(question, history) -> Answer``."""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

from index import (LEADING_REFERENCE, STOPWORDS, Embedder, IndexCorrupt, SearchIndex, build_index, fold, load_document,
                   load_embedder, load_index, stem, terms, words)
from index.collection import collection_dir, load_collection, read_collection_manifest
from index.errors import ReportQAError
from index.loaders import checksum, read_bytes
from index.vectorstore import open_store

from .config import Config
from .extract import Candidate, ExtractWeights, antecedents, candidates, is_meta_name, scope_and_lead, select, with_antecedents
from .answer_types import months_in, names_in, person_names, table_row_label
from .followup import context_for, normalise_history
from .spelling import respell
from .grounding import WordMatcher, content_words
from .bridge import Hop, bridge_names, split_relative
from .compare import asks_order, order_events, order_options
from .aliases import DocumentNames, acronyms
from .question import DATE, analyse, clean_question, detect_language, unsupported_script
from .records import Answer, Citation, FootnoteRef, Passage
from .refusal import NOT_SAID_REPLY, Verdict, coverage_verdict, meta_terms_for, question_verdict, quote_verdict
from .retrieve import Retriever

log = logging.getLogger("reportqa")

FOLLOWUP_WEIGHTS = ExtractWeights(rank=2.0)
EMPTY_REPLY = "Please type a question about the report."
SCRIPT_REPLY = "I can't read that question: please ask in words (English, French, Spanish, Portuguese…)."


_ANNOUNCES = re.compile(r"\b(?:table|list|chart|figures?) below\b|\bfollowing (?:table|list|figures)\b|:\s*$", re.I)


def _margin(r) -> float:
    return r.ranked[0][1] - r.ranked[1][1] if len(r.ranked) > 1 else float("inf")


def route_order(ranked: list[tuple[int, float]], doc_of_row, second_weight: float = 0.5) -> list[int]:
    """Documents by their best passage plus half their second best (a missing one counts 0, an
    average passage): a document that answers usually has more than one passage on the topic,
    while among thousands of documents some stray paragraph shares a word or two with any
    question ("missing", "reporting"). By best passage alone, a paraphrased dev question put
    the report 12th among 1,820 documents; with the second, every dev question puts it first."""
    best: dict[int, list[float]] = {}
    for row, score in ranked:
        top = best.setdefault(int(doc_of_row[row]), [])
        if len(top) < 2:
            top.append(score)
    value = {d: v[0] + second_weight * (v[1] if len(v) > 1 else 0.0) for d, v in best.items()}
    return sorted(value, key=lambda d: -value[d])


def index_dir_for(config: Config, doc_sha: str) -> Path:
    """One directory per (document content, model set) under the cache directory."""
    name = Path(config.document).stem[:40] or "document"
    return Path(config.cache_dir) / f"{name}-{doc_sha[:12]}-{'-'.join(config.embedders)}"


def load_embedders(config: Config, *, ingest: bool = False) -> dict[str, Embedder]:
    """``config.embedders`` by key: query engines with ``model_threads`` each, or (``ingest``)
    batch engines with ``ingest_threads`` each, meant to run one after the other."""
    if ingest:
        return {key: load_embedder(key, threads=config.ingest_threads, ingest=True, engine_dir=config.engine_dir,
                                   precision=config.ingest_precision)
                for key in config.embedders}
    return {key: load_embedder(key, threads=config.model_threads.get(key, 1), engine_dir=config.engine_dir)
            for key in config.embedders}


def prepare_index(config: Config, embedders: dict[str, Embedder], rebuild: bool = False,
                  progress: Callable[[str], None] | None = None) -> tuple[SearchIndex, Path, bool]:
    """Load the index for ``config.document``, building it when missing, stale or corrupt.

    Returns (index, its directory, whether it was (re)built).
    """
    doc_sha = checksum(read_bytes(Path(config.document)))
    directory = index_dir_for(config, doc_sha)
    expect = {k: e.name for k, e in embedders.items()}
    if not rebuild:
        try:
            return (load_index(directory, expect_sha=doc_sha, expect_models=expect,
                               expect_precision=config.ingest_precision), directory, False)
        except IndexCorrupt as exc:
            if directory.exists():
                log.warning("%s; rebuilding", exc)
    doc, sha = load_document(Path(config.document))
    # Building is a batch job: the batch engines (every core; MiniLM in ONNX Runtime) embed the
    # same vectors as the query engines, faster.
    index = build_index(doc, sha, load_embedders(config, ingest=True), directory, progress=progress,
                        precision=config.ingest_precision)
    return index, directory, True


_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b", re.I)
_NO_QUOTES = str.maketrans("", "", "“”\"«»")
_PUBLISHED = re.compile(r"[,.]?\s*(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2})(?:,?\s+\d{4})?\W*$")


# Words that ask for a source, which any note shares: "which report published…", "cited", "backs up".
_SOURCE_TERMS = {stem(w) for w in ("report", "publication", "publish", "published", "cited", "source", "statement", "note",
                                   "footnote", "reference", "back", "support", "put", "title", "document")}


class Assistant:
    """Load once, then ``ask``. Thread-safe: one question is answered at a time per instance."""

    def __init__(self, config: Config | None = None, *, rebuild: bool = False,
                 progress: Callable[[str], None] | None = None) -> None:
        self.config = config or Config()
        t0 = time.perf_counter()
        if self.config.collection:
            # Many documents: the collection is built by `reportqa index`, only loaded here, with
            # the models it was embedded with (a MiniLM-only collection answers English only).
            directory = collection_dir(self.config.cache_dir, self.config.collection)
            manifest = read_collection_manifest(directory)
            if manifest is not None and set(manifest.get("models", {})) != set(self.config.embedders):
                self.config = self.config.with_(embedders=tuple(manifest["models"]))
            self.embedders = load_embedders(self.config)
            self.index = load_collection(directory, expect_models={k: e.name for k, e in self.embedders.items()})
            self.index_dir, self.built = directory / "current", False
        else:
            self.embedders = load_embedders(self.config)
            self.index, self.index_dir, self.built = prepare_index(self.config, self.embedders, rebuild, progress)
        self.store = open_store(self.config.backend, self.index, self.config.milvus_uri)
        self.retriever = Retriever(self.index, self.embedders, store=self.store, exact_limit=self.config.exact_limit)
        word_key = self.index.manifest.get("word_model") or list(self.embedders)[-1]
        self.matcher = WordMatcher(self.index, self.embedders[word_key]) if word_key in self.embedders else None
        doc_meta = self.index.manifest.get("document", {})
        self.title = doc_meta.get("title", "")
        if self.index.documents:  # a collection: each question is answered within one document (_focus)
            self.meta_terms, self.document_text = meta_terms_for("", ""), ""
            self.whole = DocumentNames([])
        else:
            self.meta_terms = meta_terms_for(self.title, doc_meta.get("source", ""))
            self.whole = DocumentNames(self.index.chunks)
            self.document_text = self.whole.folded + " " + " ".join(self.meta_terms)
        self._whole = (self.title, self.meta_terms, self.document_text)
        self._doc_text: dict[int, DocumentNames] = {}
        self._openings: dict[tuple[int, tuple[str, ...]], int] | None = None
        self._lock = threading.Lock()
        self.default_scope = self.resolve_documents(self.config.documents) if self.config.documents else None
        self.load_ms = (time.perf_counter() - t0) * 1000

    # -- public API -----------------------------------------------------------------------
    def documents(self) -> list[dict]:
        """The documents this assistant answers from: ``key``, ``title``, ``path``, ``chunks``.

        One entry for the one-document mode. A chat's document picker lists these and passes
        chosen keys as ``ask(..., documents=[key, ...])``.
        """
        if not self.index.documents:
            doc = self.index.manifest.get("document", {})
            return [{"key": Path(doc.get("source", "")).stem or "document", "title": self.title,
                     "path": doc.get("source", ""), "chunks": len(self.index.chunks)}]
        return [{"key": d["key"], "title": d["title"], "path": d["path"], "chunks": d["end"] - d["start"]}
                for d in self.index.documents]

    def resolve_documents(self, names: Iterable[str]) -> tuple[int, ...]:
        """Positions in the collection of documents named by key, title, file path or file name;
        :class:`ReportQAError` naming any that is not in the collection."""
        names = [names] if isinstance(names, str) else list(names)
        if not self.index.documents:
            return ()
        lookup: dict[str, int] = {}
        for i, d in enumerate(self.index.documents):
            for alias in (d["key"], d["title"], d["path"], Path(d["path"]).name, Path(d["path"]).stem):
                lookup.setdefault(fold(alias), i)
        out, unknown = [], []
        for n in names:
            i = lookup.get(fold(str(n).strip()))
            if i is None:
                full = str(Path(str(n)).expanduser().resolve())
                i = lookup.get(fold(full))
            (unknown if i is None else out).append(n if i is None else i)
        if unknown:
            raise ReportQAError(f"not in the collection: {', '.join(map(str, unknown))} "
                                f"(see `reportqa index --list`)")
        return tuple(dict.fromkeys(out))

    def ask(self, question: str, history: Iterable[Any] | None = None,
            documents: Iterable[str] | None = None) -> Answer:
        """Answer ``question`` from the document, or abstain with the nearest passages.

        In a collection, ``documents`` (keys, titles or paths) limits the search to those
        documents; the answer comes from the one document that holds the best passage.
        """
        t0 = time.perf_counter()
        if not isinstance(question, str):
            question = "" if question is None else str(question)
        text = clean_question(question, self.config.max_question_chars)
        if not text:
            return Answer(question="", text=EMPTY_REPLY, abstained=True, reason="empty question")
        if unsupported_script(text):
            return Answer(question=text, text=SCRIPT_REPLY, abstained=True, reason="unsupported script")
        if detect_language(text) == "en":  # "arested" is the report's "arrested"
            text = respell(text, self.index.vocab_row)
        scope = self.resolve_documents(documents) if documents else self.default_scope
        turns = normalise_history(history)
        with self._lock:
            if not self.index.documents:
                return self._answer(text, turns, t0)
            # A collection: answer from the document of the best passage; if it abstains, the
            # runner-up document (the passage was on topic there, the answer was elsewhere).
            first = None
            for doc in self._route(text, scope, turns)[:self.config.route_documents]:
                self._focus(doc)
                answer = self._answer(text, turns, t0)
                if not answer.abstained:
                    return answer
                first = first or answer
            return first

    def _route(self, text: str, scope: tuple[int, ...] | None, history=()) -> list[int]:
        """Documents in the order of their best passage for ``text`` (with the conversation's context, so a
        follow-up stays with the document it follows) within ``scope``, in a collection."""
        if scope is not None and len(scope) == 1:
            return [scope[0]]
        context = context_for(text, history, len(text.split())) if history else ""
        scope = self._named_documents(f"{text} {context}", scope) or scope
        if scope is not None and len(scope) == 1:
            return [scope[0]]
        self.retriever.scope = scope or None
        title, meta, _ = self._whole
        q = analyse(text, self.config.max_question_chars)
        context = context_for(q.text, history, len(q.terms)) if history else ""
        query = f"{q.text} {self._initials(q.text)} {context}".strip()
        vectors = self.retriever.encode_query(query, self._models_for(q.english))
        lexical = " ".join(w for w in words(query) if w not in meta)
        r = self.retriever.search(query, vectors, lexical_query=lexical, use_bm25=q.english,
                                  wants_source=q.wants_source)
        others = tuple(k for k in self.embedders if k not in vectors)
        if q.english and others and _margin(r) < self.config.escalate_margin:
            # A close call among thousands of documents: the second model's view decides.
            vectors.update(self.retriever.encode_query(query, others))
            r = self.retriever.search(query, vectors, lexical_query=lexical, wants_source=q.wants_source)
        if not r.ranked:
            return [scope[0] if scope else 0]
        return route_order(r.ranked, self.index.doc_of_row)[:20]

    @property
    def spelled_out(self) -> dict[str, str]:
        """The current document's names by their initials."""
        return self.whole.spelled

    def _indexed_initials(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """(acronym, words) for each name ``text`` spells out whose initials the index uses."""
        return [(short, ws) for short, ws in acronyms(text) if short.lower() in self.index.vocab_row]

    def _initials(self, text: str, expand: bool = False) -> str:
        """What the question's names are called in the indexed text, so that both BM25 and the
        models meet the report's own words: the acronym for a name the question spells out
        ("International Criminal Court" -> "ICC"), and (``expand``, within the current
        document) the full name for an acronym ("ECOWAS" -> "Economic Community of West
        African States"), also where the document uses both: the full name may stand alone."""
        found = [short for short, _ in self._indexed_initials(text)]
        asked = re.findall(r"\b[A-Z]{3,}\b", text) if expand else []
        if asked:  # the document's initials are worked out only for a question with an acronym
            found += [self.spelled_out[tok] for tok in asked if tok in self.spelled_out]
        return " ".join(dict.fromkeys(found))

    def _named_documents(self, text: str, scope: tuple[int, ...] | None) -> tuple[int, ...] | None:
        """Documents whose title or file name holds a distinctive word of the question ("Mali",
        "Niger"): a word in at most 5% of the titles. None when the question names none."""
        if not hasattr(self, "_title_words"):
            self._title_words = []
            df: dict[str, int] = {}
            for d in self.index.documents:
                ws = {w for w in words(f"{d['title']} {Path(d['path']).stem}")
                      if len(w) > 2 and not w.isdigit() and w not in STOPWORDS}
                self._title_words.append(ws)
                for w in ws:
                    df[w] = df.get(w, 0) + 1
            limit = max(1, int(0.05 * len(self.index.documents)))
            self._distinctive = {w for w, n in df.items() if n <= limit} - meta_terms_for("", "")
        asked = set(words(text)) & self._distinctive
        if not asked:
            return None
        named = tuple(i for i, ws in enumerate(self._title_words) if ws & asked and (scope is None or i in scope))
        return named or None

    def _focus(self, doc: int) -> None:
        """Answer from one document of the collection: its title, its own words as meta terms."""
        d = self.index.documents[doc]
        self.retriever.scope = (doc,)
        self.title = d["title"]
        self.meta_terms = meta_terms_for(d["title"], d["path"])
        if doc not in self._doc_text:
            if len(self._doc_text) > 256:
                self._doc_text.clear()
            self._doc_text[doc] = DocumentNames(self.index.chunks[d["start"]:d["end"]])
        self.whole = self._doc_text[doc]
        self.document_text = self.whole.folded + " " + " ".join(self.meta_terms)

    @property
    def document_title(self) -> str:
        return self.title

    # -- internals ------------------------------------------------------------------------
    def _answer(self, text: str, history, t0: float) -> Answer:
        hop = split_relative(text) if not history and detect_language(text) == "en" else None
        if hop is not None:
            bridged = self._two_hops(text, hop, t0)
            if bridged is not None:
                return bridged
        return self._answer_once(text, history, t0)

    def _two_hops(self, text: str, hop: Hop, t0: float) -> Answer | None:
        """Answer the relative clause, then the main clause about the names it yielded; None
        when the hops do not connect (the one-hop answer stands)."""
        first = self._answer_once(hop.clause + "?", [], t0)
        if first.abstained or not first.citations:
            return None
        link = first.citations[0]
        names = bridge_names(link.text, text, self.meta_terms)
        if not names:
            return None
        second = self._answer_once(f"{hop.main} {' '.join(names)}?", [], t0)
        if second.abstained or not second.citations:
            return None
        target = second.citations[0]
        if target.chunk_id == link.chunk_id or not any(fold(n) in fold(target.text) for n in names):
            return None
        return Answer(question=clean_question(text, self.config.max_question_chars),
                      text=f"{link.text} {target.text}", abstained=False, citations=[link, target],
                      passages=second.passages, timings_ms={**second.timings_ms,
                                                            "total_ms": (time.perf_counter() - t0) * 1000})

    def _answer_once(self, text: str, history, t0: float) -> Answer:
        q = analyse(text, self.config.max_question_chars)
        history_context = context_for(q.text, history, len(q.terms))
        aliases = self._initials(q.text, expand=True)
        query = f"{q.text} {aliases} {history_context}".strip()
        if aliases:  # a sentence that names the thing the other way counts as naming it
            q = replace(q, terms=tuple(dict.fromkeys(q.terms + tuple(stem(w) for w in words(aliases)
                                                                      if w not in STOPWORDS))))
        t1 = time.perf_counter()
        models = self._models_for(q.english)
        qwords = content_words(q.events, self.meta_terms) if q.english else []
        prefetch = (lambda: self.matcher.prefetch([w for w in (*qwords, *q.subject, q.focus, q.predicate, q.attribute) if w])) if self.matcher and qwords else None
        vectors = self.retriever.encode_query(query, models, also=prefetch)
        lexical = " ".join(w for w in words(query) if w not in self.meta_terms)
        r = self.retriever.search(query, vectors, lexical_query=lexical, use_bm25=q.english,
                                  wants_source=q.wants_source)
        others = tuple(k for k in self.embedders if k not in vectors)
        if q.english and others and _margin(r) < self.config.escalate_margin:
            # Close call between the top passages: ask the other model(s) too.
            vectors.update(self.retriever.encode_query(query, others))
            models = tuple(vectors)
            r = self.retriever.search(query, vectors, lexical_query=lexical, wants_source=q.wants_source)
        t2 = time.perf_counter()
        passages = self._passages(r)
        sentence_score, already_said = None, ""
        if history_context:
            # The passage comes from question + context; the sentence must answer the question itself.
            bare = self.retriever.search(q.text, self.retriever.encode_query(q.text, models),
                                         lexical_query=q.text, use_bm25=q.english, wants_source=q.wants_source)
            sentence_score = bare.sentence_score
            already_said = history_context
        # A follow-up stays with the passage the conversation is about.
        n_passages = 2 if history_context else self.config.candidate_passages
        cands = candidates(q, r, self.index, n_passages, sentence_score, already_said, self.matcher, qwords,
                           FOLLOWUP_WEIGHTS if history_context else None)
        top_sim, min_sim = self._topic(q, r)
        verdict = question_verdict(q, document_text=self.document_text, initials=lambda: self.whole.initials,
                                   top_similarity=top_sim,
                                   min_similarity=min_sim) if cands else Verdict(False, "nothing retrieved", NOT_SAID_REPLY)
        chosen = []
        if verdict is None and q.english and asks_order(q.text):
            # "Who was detained first?": both dated events, the one asked for first.
            year = re.search(r"\b(?:19|20)\d\d\b", self.title or "")
            year = int(year.group(0)) if year else 0
            chosen = order_options(q, cands, self.index, year) or order_events(q, cands, self.index, self.matcher, year)
        if verdict is None and not chosen:
            # The quote must hold what was asked; if the best sentence does not, a runner-up
            # from the same passage may (the passage is right, the sentence was not).
            best = cands[0]
            # Names the question gives that the report uses (an unknown acronym such as "WFP" cannot be checked).
            # A name spelled out in the question stands for its initials where the report uses them.
            initials = {fold(w): short.lower() for short, ws in self._indexed_initials(q.text) for w in ws}
            named = [form for n in q.names
                     if len(n) > 2 and not is_meta_name(n, self.meta_terms)
                     and (fold(n) in self.document_text or n.isupper() and n in self.spelled_out)
                     for form in (self._as_written(n), initials.get(fold(n))) if form] if q.english else []
            named = list(dict.fromkeys(named))  # any one form found is enough
            # "The table below shows…" is answered by the table it announces, the paragraph after it.
            shown = _ANNOUNCES.search(self.index.chunks[best.row].text)
            near = [best] + [c for c in cands[1:8] if (c.passage_row == best.passage_row or shown and
                                                       self._follows(c.passage_row, best.passage_row))
                             and c.score >= best.score - self.config.runner_up_gap
                             # a runner-up must still be about whom the question names
                             and (not named or self._same_subject(c.row, best.row, named))]
            verdicts = [self._check_quote(q, c.row, self.index.chunks[c.row].text, named,
                                          f"{self._context(c)} {history_context}") for c in near]
            passing = [c for c, v in zip(near, verdicts) if v.answerable]
            if not passing and verdicts and all(v.lacks_answer for v in verdicts):
                passing = self._further_down(q, cands, near, verdicts, named, history_context)
            if passing:
                failed = {c.row for c, v in zip(near, verdicts) if not v.answerable}
                ordered = passing + [c for c in cands if c not in passing and c.row not in failed]
                chosen = select(ordered, q, self.index, self.config.max_answer_sentences, ignore=self.meta_terms)
                chosen.sort(key=lambda c: (c.passage_rank, c.row))
                if q.overview and not q.wants_source:
                    chosen = self._overview(q, chosen, ordered)
                if q.wants_source and all(self.index.chunks[c.row].kind != "footnote" for c in chosen):
                    # "Which statement is cited for Diawara's case?": the note the sentence cites is the answer.
                    first = self.index.chunks[chosen[0].row]
                    notes = (self._note_rows(first.id, first.footnotes or self.index.chunks[chosen[0].passage_row].footnotes)
                             or self._notes_beside(q, cands))
                    chosen = chosen[:1] + [Candidate(r, r, chosen[0].passage_rank, chosen[0].score, True) for r in notes[:1]]
            else:
                # What the sentence lacks may stand in the note it cites: a name or a figure in
                # the title of the report it draws on.
                chosen = next((found for c, v in zip(near, verdicts) if v.lacks_answer
                               and (found := self._with_cited_note(q, c, named, history_context))), [])
                verdict = None if chosen else verdicts[0]
            if chosen:
                quotes = [self.index.chunks[c.row].text for c in chosen]
                context = " ".join(self._context(c) for c in chosen)
                verdict = coverage_verdict(q, " ".join(quotes), f"{context} {history_context}", self.meta_terms,
                                           self.matcher, self.config.min_term_coverage, self.config.min_alignment)
        if verdict is None:  # the two dated events of an order question
            verdict = coverage_verdict(q, " ".join(self.index.chunks[c.row].text for c in chosen),
                                       " ".join(self._context(c) for c in chosen), self.meta_terms, self.matcher,
                                       self.config.min_term_coverage, self.config.min_alignment)
        t3 = time.perf_counter()
        timings = {"retrieve_ms": (t2 - t1) * 1000, "answer_ms": (t3 - t2) * 1000, "total_ms": (t3 - t0) * 1000}
        if not verdict.answerable:
            return Answer(question=q.text, text=verdict.message or NOT_SAID_REPLY, abstained=True,
                          passages=passages, timings_ms=timings, reason=verdict.reason)
        citations = [self._citation(c.row) for c in chosen]
        return Answer(question=q.text, text=" ".join(c.text for c in citations), abstained=False, citations=citations,
                      passages=passages, timings_ms=timings)

    def _further_down(self, q, cands: list, near: list, verdicts: list, named: list[str],
                      history_context: str) -> list:
        """When every close sentence lacks what was asked, a sentence that may hold it: further
        down the best one's paragraph for a missing name, or the table row the question names."""
        best = cands[0]

        def passes(c) -> bool:
            return self._check_quote(q, c.row, self.index.chunks[c.row].text, named,
                                     f"{self._context(c)} {history_context}").answerable

        if all(v.lacks_name for v in verdicts):
            # "Which judge wrote a dissent?": "…Justice Carla Demir wrote that…" a few sentences on,
            # about the person the question names, if any ("which party does Sankaré belong to?"
            # is not answered by a sentence on Dicko).
            people = [fold(n) for n in person_names(q.text) if fold(n) in self.document_text]
            for c in cands[1:12]:
                if c in near or c.passage_row != best.passage_row or people and not any(
                        n in fold(self.index.chunks[c.row].text) for n in people):
                    continue
                if passes(c):
                    return [c]
        # "How many arrests were there in Oskarby in July?": the table row the question names holds
        # what the prose around the table does not, unless a month asked is a column it lacks.
        asked = set(words(q.text))
        for c in cands[1:8]:
            text = self.index.chunks[c.row].text
            label = table_row_label(text)
            if c in near or not label or not asked & {fold(w) for w in words(label)}:
                continue
            return [c] if not months_in(q.text) - months_in(text) and passes(c) else []
        return []

    def _notes_beside(self, q, cands: list) -> list[int]:
        """When the paragraph carries no marker (it stands on a list item below): the notes
        retrieved beside it that are about what was asked, not only a source (a publication date
        is not asked this way)."""
        if q.answer_type == DATE:
            return []
        asked = self._asked_terms(q) - _SOURCE_TERMS
        return [c.row for c in cands[:5] if self.index.chunks[c.row].kind == "footnote"
                and asked & set(terms(self.index.chunks[c.row].text))]

    def _overview(self, q, chosen: list, ordered: list) -> list:
        """An overview shows the best sentence in its setting, three sentences at most. A sentence
        that opens with "he" or "this" follows the one it leans on. A story about someone the
        question names goes on with the next sentence. Otherwise a sentence of the document's
        summary is followed by the opening of the best-ranked section on the topic, and a sentence
        further down a section is preceded by that section's opening, when that opening or its
        heading shares a word with the question; else the next sentence follows."""
        chunks = self.index.chunks
        # an overview is told by the report's own sentences, not by the title of a source it cites
        body = [c for c in chosen if chunks[c.row].kind == "sentence"] or [
            c for c in ordered if chunks[c.row].kind == "sentence"][:1]
        if not body:
            return chosen
        best = body[0]
        kids = self.index.children.get(chunks[best.row].parent, [])
        at = kids.index(best.row) if best.row in kids else len(kids)
        asked = self._asked_terms(q)

        def on_topic(row: int | None) -> bool:  # the sentence or its heading shares a word with the question
            return row is not None and bool(asked & set(terms(f"{chunks[row].text} {' '.join(chunks[row].section)}")))

        def heading_match(row: int) -> int:
            return len(asked & set(terms(" ".join(chunks[row].section))))

        first = self._opening(best.row)
        summary = self._opening(self._doc_start(best.row))
        paragraph = fold(chunks[best.passage_row].text)
        asked_text = fold(q.text)
        if LEADING_REFERENCE.match(chunks[best.row].text) and 0 < at < len(kids):
            extra = [kids[at - 1]]  # "He was held for 11 days…" needs the sentence that says who
        elif any(fold(n) in paragraph for n in q.names if not is_meta_name(n, self.meta_terms)) or any(
                fold(n) in asked_text for n in person_names(chunks[best.passage_row].text)):
            extra = kids[at + 1:at + 2]
        elif first == summary:
            openings = [o for c in ordered if chunks[c.row].kind == "sentence"
                        and (o := self._opening(c.row)) not in (summary, None) and on_topic(o)]
            extra = sorted(openings, key=heading_match, reverse=True)[:1]
        elif first != best.row and on_topic(first):
            extra = [first]
        else:
            extra = kids[at + 1:at + 2]
        rows = [c.row for c in body]
        added = [Candidate(r, best.passage_row, best.passage_rank, best.score, True) for r in extra if r not in rows]
        return sorted(body + added, key=lambda c: (c.row != first, c.row))[:3]

    def _asked_terms(self, q) -> set[str]:
        """The question's terms but those of the document's title and file name, which every passage shares."""
        return set(q.terms) - self.meta_terms - {stem(w) for w in self.meta_terms}

    def _doc_of(self, row: int) -> int:
        """The collection document chunk ``row`` belongs to; -1 in a one-document index."""
        return -1 if self.index.doc_of_row is None else int(self.index.doc_of_row[row])

    def _doc_start(self, row: int) -> int:
        doc = self._doc_of(row)
        return 0 if doc < 0 else int(self.index.documents[doc]["start"])

    def _opening(self, row: int) -> int | None:
        """The first sentence of the section chunk ``row`` stands in (of its own document)."""
        if self._openings is None:
            self._openings = {}
            for i, c in enumerate(self.index.chunks):
                if c.kind == "sentence":
                    self._openings.setdefault((self._doc_of(i), c.section), i)
        return self._openings.get((self._doc_of(row), self.index.chunks[row].section))

    def _passages(self, r) -> list[Passage]:
        return [Passage(self.index.chunks[row].text, self.index.chunks[row].section,
                        self.index.chunks[row].paragraph, round(score, 5), self.index.chunks[row].id)
                for row, score in r.ranked[:self.config.passages]]

    def _top_similarity(self, r, key: str) -> float | None:
        """Model ``key``'s best cosine over the passages ``r`` returns."""
        if key not in r.dense or not r.ranked:
            return None
        return float(max(r.dense[key][row] for row, _ in r.ranked[:self.config.passages]))

    def _topic(self, q, r) -> tuple[float | None, float]:
        """(best cosine, floor) of the model that first read the question: an escalation to a
        second model (a close call) must not swap in that model's stricter floor."""
        floors = self.config.min_topic_similarity
        for key in [*self._models_for(q.english), *floors]:
            sim = self._top_similarity(r, key) if key in floors else None
            if sim is not None:
                return sim, floors[key]
        return None, 0.0

    def _with_cited_note(self, q, c, named: list[str], history_context: str) -> list:
        """The sentence of candidate ``c`` and the footnotes it cites (its paragraph's, when it
        cites none), when together (not alone) they hold what the question asks for; else []."""
        chunk = self.index.chunks[c.row]
        if chunk.kind == "footnote":
            return []
        # The sentence's own notes; for a sentence that cites none, those of its paragraph.
        notes = self._note_rows(chunk.id, chunk.footnotes or self.index.chunks[c.passage_row].footnotes)
        if not notes:
            return []
        # A note's trailing date is when the source appeared, not when anything happened; its
        # quotation marks frame the source's own title, not a title the question asks for.
        titles = " ".join(_PUBLISHED.sub("", self.index.chunks[r].text) for r in notes).translate(_NO_QUOTES)
        v = self._check_quote(q, c.row, f"{chunk.text} {titles}", named, f"{self._context(c)} {titles} {history_context}",
                              also=titles)
        if not v.answerable:
            return []
        return [c] + [Candidate(r, r, c.passage_rank, c.score, True) for r in notes]

    def _check_quote(self, q, row: int, quoted: str, named: list[str], context: str, also: str = "") -> Verdict:
        """:func:`quote_verdict` for ``quoted`` standing at the sentence of ``row`` (its scope and
        lead read once), ``also`` (a cited note's title) read as part of its scope."""
        scope, lead = scope_and_lead(row, self.index)
        return quote_verdict(q, quoted, self.matcher, f"{scope} {also}" if also else scope, named, context, lead,
                             self.title)

    def _note_rows(self, chunk_id: str, numbers: tuple[int, ...]) -> list[int]:
        """Rows of the footnotes ``numbers`` of the document that chunk ``chunk_id`` belongs to."""
        prefix = chunk_id.split(":", 1)[0] + ":" if ":" in chunk_id and self.index.documents else ""
        return [self.index.by_id[f"{prefix}fn{n}"] for n in numbers if f"{prefix}fn{n}" in self.index.by_id]

    def _follows(self, row: int, before: int) -> bool:
        """Is paragraph ``row`` the one right after paragraph ``before``, in the same section?"""
        a, b = self.index.chunks[before], self.index.chunks[row]
        return a.section == b.section and b.paragraph == a.paragraph + 1

    def _same_subject(self, row: int, best_row: int, named: list[str]) -> bool:
        """Is the runner-up at ``row`` still about what the question names? It names it (or its
        pronoun's antecedent does), it follows the best sentence directly ("Days later, the bodies
        of 17 of them…"), it is about someone the best sentence names ("He was sentenced…"), or it
        names no one at all."""
        scope = with_antecedents(row, self.index)
        if any(n in fold(scope) for n in named) or row == best_row + 1:
            return True
        def people(text: str) -> set[str]:
            return {fold(n) for n in names_in(text) if len(n) > 2 and not is_meta_name(n, self.meta_terms)}
        own = people(scope)
        if own & people(self.index.chunks[best_row].text):
            return True
        # A sentence that names no one and nowhere stays with its paragraph's subject
        # ("Households … received compensation of …" in the paragraph about Port Ilvane); its
        # capitalised first word is a name only when another capitalised word follows it.
        first = re.match(r"\W*([\w'’-]+)\s+(\S)", scope)
        if first and first.group(2).islower():
            own.discard(fold(first.group(1)))
        # Nor does one that names no person and refers to one by pronoun ("the Magistrate's
        # Court dismissed the charges against her").
        return not own or (not person_names(scope) and _PERSONAL_PRONOUN.search(scope) is not None)

    def _as_written(self, name: str) -> str:
        """A question's name (folded) as the document writes it: an acronym the document only
        spells out becomes the full name ("ecowas" -> "economic community of west african states")."""
        if name.isupper() and name in self.spelled_out and fold(name) not in self.index.vocab_row:
            return fold(self.spelled_out[name])
        return fold(name)

    def _context(self, c) -> str:
        """The passage a candidate sentence stands in, with its heading path; for a footnote,
        also the paragraphs that cite it (the note names a source, they say what it is about)."""
        passage = self.index.chunks[c.passage_row]
        text = " ".join(passage.section) + " " + passage.text
        if c.row != c.passage_row and self.index.children.get(passage.id, [None])[0] == c.row:
            # A paragraph's opening sentence may lean on the paragraph before ("the party's chair").
            text += " " + antecedents(c.row, self.index)
        if table_row_label(passage.text) and c.passage_row > 0:
            # A table's rows ("Marrow: 2022 410; …") count what the sentence before the table says
            # ("the number of households evicted in each province").
            before = self.index.chunks[c.passage_row - 1]
            if before.section == passage.section and before.kind == "sentence":
                text += " " + before.text
        if passage.kind == "footnote":
            text += " " + " ".join(self.index.chunks[r].text for r in self._citing(c.passage_row))
        return text

    def _citing(self, note_row: int) -> list[int]:
        """Rows of the paragraphs (same document) whose footnotes include the note at ``note_row``."""
        chunks, note = self.index.chunks, self.index.chunks[note_row]
        lo, hi = 0, len(chunks)
        if self.index.documents:
            d = self.index.documents[self.index.doc_of_row[note_row]]
            lo, hi = d["start"], d["end"]
        return [r for r in range(lo, hi) if chunks[r].kind == "paragraph" and note.paragraph in chunks[r].footnotes]

    def _models_for(self, english: bool) -> tuple[str, ...]:
        """English questions start with the English model (fast, escalated on close calls);
        others need the multilingual one: BM25 and the English model would only add noise."""
        wanted = self.config.english_models if english else self.config.multilingual_models
        chosen = tuple(k for k in wanted if k in self.embedders)
        return chosen or tuple(self.embedders)

    def _citation(self, row: int) -> Citation:
        chunk = self.index.chunks[row]
        parent = self.index.chunks[self.index.by_id[chunk.parent]] if chunk.parent else chunk
        notes = tuple(FootnoteRef(self.index.chunks[r].paragraph, self.index.chunks[r].text)
                      for r in self._note_rows(chunk.id, chunk.footnotes))
        return Citation(text=chunk.text, section=chunk.section, paragraph=chunk.paragraph, start=chunk.start,
                        end=chunk.end, paragraph_text=parent.text, footnotes=notes, chunk_id=chunk.id,
                        document=self.title, document_path=self._path_of(row))

    def _path_of(self, row: int) -> str:
        if self.index.documents and self.index.doc_of_row is not None:
            return self.index.documents[int(self.index.doc_of_row[row])]["path"]
        return self.index.manifest.get("document", {}).get("source", "")
