"""The Gradio chat endpoint through gradio_client (streaming included), and the chat handlers."""
from __future__ import annotations

import os

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url("/chat/"), verbose=False)


def test_chat_endpoint_has_a_stable_name(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert "/chat" in api["named_endpoints"]
    params = [p["parameter_name"] for p in api["named_endpoints"]["/chat"]["parameters"]]
    assert params == ["message", "history"]


def test_chat_streams_then_gives_the_full_answer(client):
    job = client.submit("When did the drone strikes on Amasrakad happen?", [], api_name="/chat")
    outputs = list(job)
    assert len(outputs) > 2, "the answer should arrive in several chunks"
    partial, final = outputs[0], outputs[-1]
    assert partial["final"] is False and len(partial["answer"]) < len(final["answer"])
    assert final["final"] is True and not final["abstained"]
    assert "17 March" in final["answer"]
    c = final["citations"][0]
    assert c["paragraph_text"][c["start"]:c["end"]] == c["text"]
    assert c["footnotes"][0]["number"] == 3


def test_chat_follow_up_and_refusal(client):
    history = [{"role": "user", "content": "Why was Etienne Fakaba Sissoko arrested?"},
               {"role": "assistant", "content": "Also in March, economist Etienne Fakaba Sissoko was arrested in "
                                                "relation to his book denouncing government use of “propaganda”."}]
    follow = client.predict("What was he sentenced to?", history, api_name="/chat")
    assert "three years" in follow["answer"]
    refusal = client.predict("What is the capital of France?", [], api_name="/chat")
    assert refusal["abstained"] and refusal["citations"] == [] and refusal["passages"]


def test_chat_refuses_overlong_and_empty_questions(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="too long"):
        client.predict("x" * 1001, [], api_name="/chat")
    with pytest.raises(AppError, match="type a question"):
        client.predict("  ", [], api_name="/chat")


def test_user_turn_shows_the_question_escaped(tmp_path):
    from ui.chat import ChatApp
    from ui.feedback import FeedbackLog

    chat = ChatApp(None, FeedbackLog(tmp_path / "f.jsonl"))  # these handlers never reach the assistant
    update, messages, pending = chat.user_turn("Why? <img src=x onerror=alert(1)> ![](http://h/leak)", [])
    assert update["value"] == "" and update["interactive"] is False
    assert messages == [{"role": "user",
                         "content": "Why? &lt;img src=x onerror=alert(1)&gt; !\\[\\](http\\://h/leak)"}]
    assert pending.startswith("Why? <img")


def test_overlong_question_is_refused_server_side(tmp_path):
    from ui.chat import MAX_QUESTION_CHARS, ChatApp
    from ui.feedback import FeedbackLog

    chat = ChatApp(None, FeedbackLog(tmp_path / "f.jsonl"))
    question = "x" * (MAX_QUESTION_CHARS + 1)
    _, shown, _ = chat.user_turn(question, [])
    assert len(shown[0]["content"]) == MAX_QUESTION_CHARS + 1  # cut, with an ellipsis
    *_, (messages, answers) = chat.bot_turn(question, shown, {})
    assert "too long" in messages[-1]["content"] and answers == {}
