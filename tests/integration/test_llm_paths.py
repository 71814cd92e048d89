"""The LLM answerers' paths around the model, with LangChain's fake chat models (fast, no
model file): mixed answers, verified streaming, and what a user sees when the model cannot
answer (server down, too slow, optional extra missing)."""

from __future__ import annotations

import shutil

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from paracite.documents import Answer
from tests.conftest import free_port

pytestmark = pytest.mark.integration

QUESTION = "Which Government provided extrabudgetary resources?"


@pytest.fixture(scope="module")
def home(records_template, tmp_path_factory):
    home = tmp_path_factory.mktemp("llm-paths") / "home"
    shutil.copytree(records_template, home)
    return home


@pytest.fixture(scope="module")
def extractive(home, embedder):
    import paracite

    a = paracite.Assistant(home=home, embedder=embedder)
    yield a
    a.close()


def with_model(extractive, model, mixed: bool = False, **settings):
    import paracite
    from paracite.answer.llm import MixedAnswerer

    a = paracite.Assistant(extractive.settings.model_copy(update=settings), llm=model,
                           embedder=extractive.embedder)
    if mixed:
        chain = a.chain
        chain.answerer = MixedAnswerer(model, a.settings)
        chain.condenser = None
    return a


def test_mixed_phrases_the_extractive_statement_and_keeps_its_citation(extractive):
    base = extractive.ask(QUESTION)
    model = FakeListChatModel(responses=["The Government of China provided extrabudgetary "
                                         "resources [1]."])
    ans = with_model(extractive, model, mixed=True).ask(QUESTION)
    assert ans.found and ans.llm.startswith("mixed:")
    assert ans.text == "The Government of China provided extrabudgetary resources. [1]"
    assert [c.paragraph for c in ans.citations] == [c.paragraph for c in base.citations]
    prompt = model.responses  # the model was asked once: its one response was used
    assert len(prompt) == 1


def test_mixed_phrasing_that_adds_a_fact_gives_the_extractive_answer(extractive):
    base = extractive.ask(QUESTION)
    model = FakeListChatModel(responses=["The Government of Japan provided 5 million "
                                         "dollars [1]."])
    ans = with_model(extractive, model, mixed=True).ask(QUESTION)
    assert ans.found and ans.text == base.text and ans.citations == base.citations
    assert ans.flagged == ["The Government of Japan provided 5 million dollars."]


def test_mixed_does_not_ask_the_model_when_the_records_do_not_answer(extractive):
    class Never(FakeListChatModel):
        def _call(self, *a, **k):  # type: ignore[override]
            raise AssertionError("the model was asked")

    ans = with_model(extractive, Never(responses=["x"]), mixed=True).ask(
        "Who was elected Chair of the fourth meeting?")
    assert not ans.found and ans.see_also


def test_stream_shows_only_verified_sentences_numbered_as_the_answer(extractive):
    said = ("The Government of China provided extrabudgetary resources [3]. The meeting "
            "was paid for by the World Bank [1]. It was the third meeting [3].")
    model = GenericFakeChatModel(messages=iter([AIMessage(content=said)]))
    parts = list(with_model(extractive, model).stream(QUESTION))
    final = parts[-1]
    shown = "".join(p for p in parts[:-1] if isinstance(p, str))
    assert isinstance(final, Answer) and final.found
    assert "World Bank" not in shown and "World Bank" not in final.text
    assert final.flagged == ["The meeting was paid for by the World Bank."]
    assert shown.strip() == final.text  # the same words and the final numbering
    assert final.text.startswith("The Government of China provided extrabudgetary "
                                 "resources. [1]")


def test_server_down_gives_the_extractive_answer_with_a_notice(extractive):
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    a = with_model(extractive, "openai:qwen", openai_base_url=url, openai_api_key="x",
                   llm_timeout=5)
    ans = a.ask(QUESTION)
    base = extractive.ask(QUESTION)
    assert ans.text == base.text and ans.found and ans.llm == "extractive"
    assert "cannot be reached" in ans.notice and url in ans.notice
    assert "extractive answer" in ans.notice
    streamed = list(a.stream(QUESTION))
    assert isinstance(streamed[-1], Answer) and "cannot be reached" in streamed[-1].notice


def test_a_model_that_times_out_gives_the_extractive_answer(extractive):
    class Slow(FakeListChatModel):
        def _call(self, *a, **k):  # type: ignore[override]
            raise TimeoutError("read timed out")

    ans = with_model(extractive, Slow(responses=["x"]), llm_timeout=7).ask(QUESTION)
    assert ans.found and "longer than 7 s" in ans.notice


def test_missing_local_extra_says_what_to_install_and_answers_extractively(
        extractive, monkeypatch):
    import importlib.util

    import paracite

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name.split(".")[0] == "llama_cpp"
                        else real(name, *a))
    a = paracite.Assistant(extractive.settings, llm="local", embedder=extractive.embedder)
    ans = a.ask(QUESTION)
    assert ans.found and ans.text == extractive.ask(QUESTION).text
    assert "pip install 'paracite[local]'" in ans.notice
    assert "local" not in a.available_llms()


@pytest.fixture()
def recording_server():
    """A loopback OpenAI-compatible stand-in that records each request body and answers
    with one fixed completion."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            reply = json.dumps({
                "id": "x", "object": "chat.completion", "created": 0, "model": "m",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {
                    "role": "assistant", "content": "The Government of China provided "
                    "extrabudgetary resources [1]."}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply.encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1", bodies
    server.shutdown()


def test_requests_to_a_server_carry_both_token_caps(extractive, recording_server):
    url, bodies = recording_server
    a = with_model(extractive, "openai:m", openai_base_url=url, openai_api_key="x",
                   llm_max_tokens=17)
    ans = a.ask(QUESTION)
    assert ans.found and ans.citations[0].paragraph == "50"
    # llama.cpp's server reads max_tokens and ignores max_completion_tokens
    assert bodies and all(b["max_tokens"] == 17 and b["max_completion_tokens"] == 17
                          for b in bodies)


def test_openais_own_api_gets_only_max_completion_tokens(extractive):
    from paracite.answer.llm import chat_model

    payload = chat_model("openai:m", extractive.settings)._get_request_payload("hi")
    assert payload["max_completion_tokens"] == extractive.settings.llm_max_tokens
    assert "max_tokens" not in payload and not payload.get("extra_body")
