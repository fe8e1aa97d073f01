"""The Gradio 6 chat: numbered citations, collapsible Sources, streaming, feedback, offline.

Over a collection of documents (``Config.collection``) the chat also has a document picker: the
documents chosen there scope every answer (none chosen: all of them).

Built from Blocks (not ChatInterface) so the user's own question is escaped before it is shown
too: ChatInterface puts the raw question in the chat, where a Markdown image would be fetched.
"""
from __future__ import annotations

import os

# Before gradio is imported: measured here, otherwise Gradio and gradio_client phone home.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_RUN_HISTORY", "False")

import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Iterator  # noqa: E402

import gradio as gr  # noqa: E402

from qa import Answer, Assistant, ReportQAError  # noqa: E402

from .feedback import FeedbackLog  # noqa: E402
from .render import answer_messages, escape_text, history_for_assistant, plain_text  # noqa: E402

MAX_QUESTION_CHARS = 1000  # a question longer than this is refused (server-side, chat and API)
MAX_HISTORY_MESSAGES = 40
CONCURRENCY = 4  # chat requests in flight; Assistant answers one at a time, streaming overlaps
CONCURRENCY_ID = "answer"
STREAM_WORDS = 3  # words per streamed chunk
STREAM_DELAY_S = 0.03
API_NAME = "chat"  # stable: gradio_client `api_name="/chat"`, @gradio/client `"/chat"`
PICKER_LABEL = "Documents (all when empty)"

EXAMPLES = [
    "When did the drone strikes on Amasrakad happen?",
    "Why was Etienne Fakaba Sissoko arrested?",
    "What happened to the villagers abducted in Boura?",
    "How many schools remained closed?",
    "What did the new legislation do to LGBTI people?",
]

CSS = """
#rqa-chat mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 2px; }
#rqa-chat .rqa-refusal { display: block; color: #92400e; border-left: 3px solid #f59e0b; padding-left: .6em; }
#rqa-chat .rqa-footnote { font-size: .9em; opacity: .85; }
#rqa-chat blockquote { margin: .4em 0; padding-left: .8em; border-left: 3px solid #d1d5db; }
.rqa-header h1 { font-size: 1.3rem; margin: .2em 0; }
.rqa-header p { margin: .2em 0; opacity: .8; }
@media (max-width: 640px) {
  .rqa-header h1 { font-size: 1.05rem; }
  #rqa-chat { height: 70vh !important; }
}
"""


def theme() -> gr.themes.Base:
    """System fonts only: no Google Fonts, no font files fetched from anywhere."""
    system = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return gr.themes.Soft(primary_hue="amber", neutral_hue="slate", font=system, font_mono=mono)


def too_long_reply(n: int) -> str:
    return f"Your question is too long ({n} characters); please keep it under {MAX_QUESTION_CHARS}."


class ChatApp:
    """State-free handlers around one shared Assistant (which serialises questions itself)."""

    def __init__(self, assistant: Assistant, feedback: FeedbackLog, max_chars: int = MAX_QUESTION_CHARS) -> None:
        self.assistant = assistant
        self.feedback = feedback
        self.max_chars = max_chars
        # The documents behind the chat ({key, title, path, chunks}); more than one: a collection.
        self.documents: list[dict] = assistant.documents() if assistant is not None else []
        self.many = len(self.documents) > 1
        # Sources name their document only in a collection (one report: exactly as before).
        self.titles: dict[str, str] | None = ({d["key"]: d["title"] for d in self.documents}
                                              if self.many else None)

    def picker_choices(self) -> list[tuple[str, str]]:
        """(label, key) for the document picker: the title, with the file name when titles repeat."""
        seen: dict[str, int] = {}
        for d in self.documents:
            seen[d["title"]] = seen.get(d["title"], 0) + 1
        choices = []
        for d in self.documents:
            name = Path(d["path"]).name or d["key"]
            if not d["title"]:
                label = name
            elif seen[d["title"]] > 1:
                label = f"{d['title']} ({name})"
            else:
                label = d["title"]
            choices.append((label, d["key"]))
        return choices

    @staticmethod
    def scope(documents: Any) -> list[str] | None:
        """The picker's value (or an API caller's ``documents``) as keys for ``ask``; None = all."""
        if isinstance(documents, str):
            documents = [documents]
        if not isinstance(documents, (list, tuple)):
            return None
        keys = [d.strip() for d in documents if isinstance(d, str) and d.strip()]
        return keys or None

    # -- the conversation -------------------------------------------------------------------
    def ask(self, question: str, history: list[Any] | None, documents: Any = None) -> Answer:
        """:class:`ReportQAError` when ``documents`` names a document the collection does not hold."""
        question = question if isinstance(question, str) else ""
        turns = history_for_assistant((history or [])[-MAX_HISTORY_MESSAGES:])
        return self.assistant.ask(question, turns, documents=self.scope(documents) if self.many else None)

    def user_turn(self, question: str, messages: list[dict] | None):
        """Show the (escaped) question at once; clear and lock the box while answering."""
        question = question if isinstance(question, str) else ""
        messages = list(messages or [])
        if question.strip():
            shown = question if len(question) <= self.max_chars else question[:self.max_chars] + "…"
            messages.append({"role": "user", "content": escape_text(shown)})
        return gr.update(value="", interactive=False), messages, question

    def bot_turn(self, question: str, messages: list[dict] | None, answers: dict | None, documents: Any = None
                 ) -> Iterator[tuple[list[dict], dict]]:
        """Answer the pending question; ``documents`` is the picker's value (collections only)."""
        messages = list(messages or [])
        answers = dict(answers or {})
        question = question if isinstance(question, str) else ""
        if not question.strip():
            yield messages, answers
            return
        if len(question) > self.max_chars:
            messages.append({"role": "assistant", "content": escape_text(too_long_reply(len(question)))})
            yield messages, answers
            return
        try:
            answer = self.ask(question, messages[:-1], documents)
        except ReportQAError as exc:  # a picked document removed from the collection since the page loaded
            messages.append({"role": "assistant", "content": escape_text(str(exc))})
            yield messages, answers
            return
        reply_index = len(messages)
        record = {"question": answer.question, "answer": answer.text, "abstained": answer.abstained,
                  "reason": answer.reason,
                  "citations": [{"section": c.section_label, "paragraph": c.paragraph, "text": c.text,
                                 "chunk_id": c.chunk_id, **({"document": c.document} if self.many else {})}
                                for c in answer.citations]}
        if self.many:
            record["documents"] = self.scope(documents) or []
        answers[reply_index] = record
        titles = self.titles
        n_words = len(answer_messages(answer)[0]["content"].split(" "))
        if not answer.abstained:
            for n in range(STREAM_WORDS, n_words, STREAM_WORDS):
                yield messages + answer_messages(answer, streamed_words=n, titles=titles), answers
                time.sleep(STREAM_DELAY_S)
        yield messages + answer_messages(answer, titles=titles), answers

    def pick_example(self, evt: gr.SelectData):
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return str(value.get("text", ""))

    # -- feedback ---------------------------------------------------------------------------
    def on_like(self, messages: list[dict] | None, answers: dict | None, data: gr.LikeData) -> None:
        messages, answers = list(messages or []), dict(answers or {})
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        index = int(index) if isinstance(index, int) or str(index).isdigit() else len(messages) - 1
        keys = sorted(k for k in answers if k <= index)
        record = answers.get(keys[-1]) if keys else None
        if record is None:  # fall back to what is on screen
            reply = plain_text(messages[index]["content"]) if 0 <= index < len(messages) else ""
            asked = next((plain_text(m["content"]) for m in reversed(messages[:index]) if m.get("role") == "user"), "")
            record = {"question": asked, "answer": reply, "citations": []}
        verdict = "like" if data.liked is True else "dislike" if data.liked is False else (str(data.liked) or "none")
        self.feedback.append({"event": "feedback", "verdict": verdict, "message_index": index, **record})

    # -- the API endpoint (gradio_client / @gradio/client) ----------------------------------
    def api_chat(self, message: str, history: list[dict] | None = None) -> Iterator[dict]:
        """Answer `message` about the report, given earlier turns as [{"role", "content"}].

        Streams partial answers ({"answer": first words, "final": false}); the last item is the
        full answer object of `POST /api/ask` with "final": true.
        """
        message = message if isinstance(message, str) else ""
        if len(message) > self.max_chars:
            raise gr.Error(too_long_reply(len(message)))
        if not message.strip():
            raise gr.Error("Please type a question about the report.")
        answer = self.ask(message, history if isinstance(history, list) else [])
        yield from self._stream(answer)

    def api_chat_documents(self, message: str, history: list[dict] | None = None,
                           documents: list[str] | None = None) -> Iterator[dict]:
        """Answer `message` from the documents of the collection named in `documents` (keys, titles
        or file paths; empty or left out: all), given earlier turns as [{"role", "content"}].

        Streams partial answers ({"answer": first words, "final": false}); the last item is the
        full answer object of `POST /api/ask` with "final": true. Each citation names its document.
        """
        message = message if isinstance(message, str) else ""
        if len(message) > self.max_chars:
            raise gr.Error(too_long_reply(len(message)))
        if not message.strip():
            raise gr.Error("Please type a question about the report.")
        try:
            answer = self.ask(message, history if isinstance(history, list) else [], documents)
        except ReportQAError as exc:
            raise gr.Error(str(exc)) from None
        yield from self._stream(answer)

    @staticmethod
    def _stream(answer: Answer) -> Iterator[dict]:
        full = answer.to_json()
        words = full["answer"].split(" ")
        if not answer.abstained:
            for n in range(STREAM_WORDS, len(words), STREAM_WORDS):
                yield {"question": full["question"], "answer": " ".join(words[:n]), "final": False}
                time.sleep(STREAM_DELAY_S)
        yield {**full, "final": True}


def build_chat(assistant: Assistant, feedback: FeedbackLog, max_chars: int = MAX_QUESTION_CHARS) -> gr.Blocks:
    app = ChatApp(assistant, feedback, max_chars)
    if app.many:
        title = f"{len(app.documents)} documents"
        header = (f"# Ask the documents\n\n{title}: short answers quoted from them, cited down to the document, "
                  "paragraph and footnote. Pick documents to search only those. If they do not say, the bot says so.")
    else:
        title = assistant.document_title or "the report"
        header = (f"# Ask the report\n\n{escape_text(title)}: short answers quoted from the report, "
                  "cited down to the paragraph and footnote. If the report does not say, the bot says so.")
    about = "the documents" if app.many else "the report"
    with gr.Blocks(title=f"Ask: {title}", fill_height=True) as demo:
        gr.Markdown(header, elem_classes=["rqa-header"])
        picker = None
        if app.many:  # one report: no picker at all, the chat looks as it always did
            picker = gr.Dropdown(choices=app.picker_choices(), value=[], multiselect=True, filterable=True,
                                 label=PICKER_LABEL, elem_id="rqa-documents", interactive=True)
        chatbot = gr.Chatbot(
            elem_id="rqa-chat", label="Conversation", show_label=False, height="65vh", min_height=320,
            sanitize_html=True, render_markdown=True, latex_delimiters=[], allow_tags=False,
            feedback_options=("Like", "Dislike"), buttons=["copy"], layout="bubble",
            placeholder=("Ask a question about the documents." if app.many
                         else "Ask a question about the report, or pick an example below."),
            # The examples are about the bundled report: a collection may not hold it.
            examples=None if app.many else [{"text": q} for q in EXAMPLES], autoscroll=True, scale=1,
        )
        with gr.Row(equal_height=True):
            box = gr.Textbox(placeholder=f"Ask about {about}…", show_label=False, max_length=max_chars,
                             lines=1, max_lines=4, submit_btn="Ask", scale=5, autofocus=True, elem_id="rqa-question")
            clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80, elem_id="rqa-clear")
        pending = gr.State("")
        answers = gr.State({})

        # The picker is read on every turn, so a follow-up keeps the scope chosen for it.
        answer_inputs = [pending, chatbot, answers] + ([picker] if picker is not None else [])
        answer_kwargs = dict(fn=app.bot_turn, inputs=answer_inputs, outputs=[chatbot, answers],
                             api_visibility="undocumented", concurrency_limit=CONCURRENCY,
                             concurrency_id=CONCURRENCY_ID, show_progress="minimal")
        unlock = dict(fn=lambda: gr.update(interactive=True), inputs=None, outputs=box,
                      api_visibility="undocumented", queue=False)
        box.submit(app.user_turn, [box, chatbot], [box, chatbot, pending], api_visibility="undocumented",
                   queue=False).then(**answer_kwargs).then(**unlock)
        chatbot.example_select(app.pick_example, None, pending, api_visibility="undocumented", queue=False).then(
            app.user_turn, [pending, chatbot], [box, chatbot, pending], api_visibility="undocumented", queue=False
        ).then(**answer_kwargs).then(**unlock)
        chatbot.like(app.on_like, [chatbot, answers], None, api_visibility="undocumented", queue=False)
        clear.click(lambda: ([], {}, ""), None, [chatbot, answers, pending], api_visibility="undocumented",
                    queue=False)
        chatbot.clear(lambda: ({}, ""), None, [answers, pending], api_visibility="undocumented", queue=False)

        # /chat keeps (message, history); a collection adds an optional third input, documents.
        gr.api(app.api_chat_documents if app.many else app.api_chat, api_name=API_NAME,
               concurrency_limit=CONCURRENCY, concurrency_id=CONCURRENCY_ID)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=64)
    return demo
