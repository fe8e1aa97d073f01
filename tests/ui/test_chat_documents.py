"""The document picker of a chat over a collection: real collection (the report and Freedonia),
real server, gradio_client for the scoping, Debian's Chromium for the visible picker.

The question is answered only by Freedonia ("Sylvania Herald"); scoped to the Mali report it must
not come back with that passage.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ANSWER_TIMEOUT_MS = 60_000

MALI, FREEDONIA = "amnesty-mali-2024", "freedonia-2024"
MALI_TITLE = "The State of the World's Human Rights; Mali 2024"
FREEDONIA_TITLE = "The State of the World's Human Rights; Freedonia 2024"
QUESTION = "Which newspaper was shut down in February?"  # only Freedonia says
ANSWER = "Sylvania Herald"
FOLLOW_UP_HISTORY = [{"role": "user", "content": "Who is Chico Ravelli?"},
                     {"role": "assistant", "content": "Student leader Chico Ravelli was arrested on 2 June and "
                                                      "charged with \"inciting rebellion\"."}]


def picker_props(client) -> dict | None:
    found = [c["props"] for c in client.config["components"] if c.get("props", {}).get("elem_id") == "rqa-documents"]
    return found[0] if found else None


@pytest.fixture(scope="module")
def client(collection_app):
    from gradio_client import Client

    return Client(collection_app.url("/chat/"), verbose=False)


@pytest.fixture(scope="module")
def chat(collection_app, ui_cache_dir, tmp_path_factory):
    """The chat's own handlers over an in-process Assistant on the same collection."""
    from qa import Assistant, Config
    from ui.chat import ChatApp
    from ui.feedback import FeedbackLog

    assistant = Assistant(Config(cache_dir=ui_cache_dir, collection=str(collection_app.collection)))
    return ChatApp(assistant, FeedbackLog(tmp_path_factory.mktemp("picker") / "feedback.jsonl"))


def turn(chat, question: str, messages: list, documents) -> list[dict]:
    """One question through the chat handlers, as the page runs them; every streamed state is checked."""
    _, messages, pending = chat.user_turn(question, messages)
    states = [m for m, _ in chat.bot_turn(pending, messages, {}, documents)]
    return states[-1]


# -- (1) the picker lists the documents ---------------------------------------------------------
def test_picker_lists_both_documents_by_title(client):
    props = picker_props(client)
    assert props is not None, "a collection's chat has a document picker"
    assert props["multiselect"] is True and props["filterable"] is True
    assert props["label"] == "Documents (all when empty)" and props["value"] == []
    assert sorted(map(tuple, props["choices"])) == sorted([(MALI_TITLE, MALI), (FREEDONIA_TITLE, FREEDONIA)])


# -- (2) and (3) the scope, through /chat (gradio_client) ---------------------------------------
def test_chat_scoped_to_freedonia_cites_freedonia_streaming(client):
    outputs = list(client.submit(QUESTION, [], [FREEDONIA], api_name="/chat"))
    assert len(outputs) > 1 and outputs[0]["final"] is False
    final = outputs[-1]
    assert final["final"] is True and not final["abstained"] and ANSWER in final["answer"]
    c = final["citations"][0]
    assert c["document"] == FREEDONIA_TITLE and c["document_path"].endswith("freedonia-2024.txt")
    assert c["paragraph_text"][c["start"]:c["end"]] == c["text"]


def test_chat_scoped_to_mali_does_not_give_the_freedonia_passage(client):
    final = client.predict(QUESTION, [], [MALI], api_name="/chat")
    assert ANSWER not in final["answer"]
    assert final["abstained"] or all(c["document"] == MALI_TITLE for c in final["citations"])
    assert all(p["chunk_id"].startswith(MALI + ":") for p in final["passage_details"])
    assert not any(ANSWER in p for p in final["passages"])


def test_chat_without_documents_still_works_and_searches_all(client):
    api = client.view_api(print_info=False, return_format="dict")
    params = api["named_endpoints"]["/chat"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["message", "history", "documents"]
    assert params[1]["parameter_has_default"] and params[2]["parameter_has_default"]
    final = client.predict(QUESTION, [], api_name="/chat")  # an older caller: no documents
    assert ANSWER in final["answer"] and final["citations"][0]["document"] == FREEDONIA_TITLE


def test_chat_follow_up_keeps_the_scope(client):
    follow = client.predict("How long did he spend in pre-trial detention?", FOLLOW_UP_HISTORY, [FREEDONIA],
                            api_name="/chat")
    assert "three months" in follow["answer"] and follow["citations"][0]["document"] == FREEDONIA_TITLE


def test_unknown_document_is_a_one_line_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="not in the collection: nowhere"):
        client.predict(QUESTION, [], ["nowhere"], api_name="/chat")


# -- the page's own handlers: the picker's value on every turn, sources naming the document --------
def test_chat_turns_use_the_picked_documents_and_sources_name_them(chat):
    assert chat.many and chat.picker_choices() == [(MALI_TITLE, MALI), (FREEDONIA_TITLE, FREEDONIA)]

    messages = turn(chat, QUESTION, [], [FREEDONIA])
    reply, sources = messages[-2], messages[-1]
    assert ANSWER in reply["content"] and reply["content"].endswith("[1]")
    assert sources["metadata"]["title"] == "Sources (1)"
    assert "Freedonia 2024 (freedonia-2024.txt) › Freedom of expression and assembly" in sources["content"]
    # A follow-up in the same conversation, same picker value: still Freedonia.
    messages = turn(chat, "What was Chico Ravelli charged with?", messages, [FREEDONIA])
    messages = turn(chat, "How long did he spend in pre-trial detention?", messages, [FREEDONIA])
    assert "three months" in messages[-2]["content"] and "freedonia-2024.txt" in messages[-1]["content"]

    mali = turn(chat, QUESTION, [], [MALI])
    assert ANSWER not in " ".join(str(m["content"]) for m in mali)
    reply = mali[-2] if mali[-1].get("metadata") else mali[-1]
    if "rqa-refusal" in reply["content"]:
        assert mali[-1]["metadata"]["title"].startswith("Nearest passages")
        assert "Mali 2024 ›" in mali[-1]["content"] and "Freedonia" not in mali[-1]["content"]
    else:
        assert "Freedonia" not in mali[-1]["content"]


# -- (4) one report: no picker ----------------------------------------------------------------------
def test_one_document_chat_has_no_picker(app):
    from gradio_client import Client

    one = Client(app.url("/chat/"), verbose=False)
    assert picker_props(one) is None
    assert not any(c.get("type") == "dropdown" for c in one.config["components"])


# -- the visible picker in Chromium -------------------------------------------------------------------
@pytest.mark.browser
def test_picker_in_the_browser_scopes_the_answer(collection_app, app, page):
    page.goto(collection_app.url("/chat/"), wait_until="load")
    picker = page.locator("#rqa-documents")
    picker.get_by_role("combobox").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    assert sorted(o.strip() for o in options.all_inner_texts()) == sorted([MALI_TITLE, FREEDONIA_TITLE])
    page.get_by_role("option", name=FREEDONIA_TITLE).click()
    page.keyboard.press("Escape")
    assert FREEDONIA_TITLE in picker.inner_text()

    chat = page.locator("#rqa-chat")
    box = page.locator("#rqa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    chat.locator(".bot-row").filter(has_text=ANSWER).last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    sources = chat.get_by_text(re.compile(r"^Sources \(1\)")).last
    sources.wait_for(timeout=ANSWER_TIMEOUT_MS)  # streaming is over
    sources.click()
    chat.locator("mark").first.wait_for(state="visible")
    assert chat.locator("mark").first.inner_text().startswith("In February, the newspaper Sylvania Herald")
    assert "Freedonia 2024 (freedonia-2024.txt) › Freedom of expression and assembly" in chat.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-document-picker.png"))

    # The one-report chat looks as before: no picker.
    page.goto(app.url("/chat/"), wait_until="load")
    page.locator("#rqa-question textarea").wait_for()
    assert page.locator("#rqa-documents").count() == 0
    assert page.get_by_role("combobox").count() == 0
