"""The plain JSON API: `POST /api/ask` -> the object `reportqa ask --json` prints; `GET /api/health`.

Bad input gets a 4xx with a one-line ``{"detail": "..."}``, never a trace.
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool

from qa import Assistant, ReportQAError

MAX_HISTORY_MESSAGES = 40
MAX_HISTORY_CHARS = 4000


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=MAX_HISTORY_CHARS)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "When did the drone strikes on Amasrakad happen?"},
                     {"question": "What was he sentenced to?", "history": [
                         {"role": "user", "content": "Why was Etienne Fakaba Sissoko arrested?"},
                         {"role": "assistant", "content": "Also in March, economist Etienne Fakaba Sissoko was "
                                                          "arrested in relation to his book denouncing government "
                                                          "use of “propaganda”."}]}]})
    question: StrictStr = Field(description="the question, in words")
    history: list[HistoryMessage] | None = Field(default=None, max_length=MAX_HISTORY_MESSAGES,
                                                 description="earlier turns, oldest first, for follow-ups")


class Footnote(BaseModel):
    number: StrictInt
    text: str


class CitationOut(BaseModel):
    text: str = Field(description="the quoted sentence(s), verbatim")
    section: str = Field(description='the heading the quote stands under, e.g. "Armed groups"')
    section_path: list[str] = Field(description='headings from the top, e.g. ["Unlawful killings", "Armed groups"]')
    section_label: str = Field(description='the path for display, "Unlawful killings › Armed groups"')
    paragraph: int = Field(description="1-based paragraph within the section")
    start: int = Field(description="start of the quote inside paragraph_text")
    end: int = Field(description="end of the quote inside paragraph_text")
    paragraph_text: str
    footnotes: list[Footnote]
    chunk_id: str
    document: str = Field(description="the document's title")
    document_path: str = Field(default="", description="the file the document was read from")


class PassageOut(BaseModel):
    text: str
    section: str
    paragraph: int
    score: float
    chunk_id: str


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool = Field(description="true when the report does not answer the question")
    reason: str = Field(description="why it abstained (empty for an answer)")
    citations: list[CitationOut]
    passages: list[str] = Field(description="texts of the nearest passages, best first")
    passage_details: list[PassageOut]
    timings_ms: dict[str, float]


class Health(BaseModel):
    status: Literal["ok"]
    document: str
    chunks: int


class Problem(BaseModel):
    detail: str


def _one_line(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    e = errors[0]
    where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
    kind = e.get("type", "")
    if kind == "missing":
        return f"{where}: required"
    if kind == "json_invalid":
        return "body: not valid JSON"
    if kind == "extra_forbidden":
        return f"{where}: unknown field"
    msg = str(e.get("msg", "invalid")).split("\n")[0]
    return f"{where}: {msg}"


def validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": _one_line(exc)}, status_code=422)


def api_router(assistant: Assistant, max_question_chars: int) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["ask"])
    errors = {400: {"model": Problem, "description": "empty question"},
              413: {"model": Problem, "description": "question too long"},
              422: {"model": Problem, "description": "wrong shape or types"}}

    @router.post("/ask", response_model=AskResponse, responses=errors,
                 summary="Ask a question about the report")
    async def ask(body: AskRequest) -> JSONResponse | dict:
        """The answer with its citations (quote, section path, paragraph, span, footnotes), or an
        abstention with the nearest passages. Same object as `reportqa ask --json`."""
        if not body.question.strip():
            return JSONResponse({"detail": "question: empty; please type a question about the report"},
                                status_code=400)
        if len(body.question) > max_question_chars:
            return JSONResponse({"detail": f"question: too long ({len(body.question)} characters; "
                                           f"the limit is {max_question_chars})"}, status_code=413)
        history = [m.model_dump() for m in body.history or []]
        answer = await run_in_threadpool(assistant.ask, body.question, history)
        return answer.to_json()

    @router.get("/health", response_model=Health, summary="Is the bot up, and on which document")
    async def health() -> dict:
        return {"status": "ok", "document": assistant.document_title,
                "chunks": int(assistant.index.manifest.get("chunks", 0) or 0)}

    return router


def engine_error_handler(request: Request, exc: ReportQAError) -> JSONResponse:
    return JSONResponse({"detail": str(exc).split("\n")[0]}, status_code=503)


def install_api(app: FastAPI, assistant: Assistant, max_question_chars: int) -> None:
    app.include_router(api_router(assistant, max_question_chars))
    app.add_exception_handler(RequestValidationError, validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(ReportQAError, engine_error_handler)  # type: ignore[arg-type]
