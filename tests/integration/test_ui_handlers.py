"""The UI's handlers on a real store, without a browser: filter, answerers, sessions."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import INGEST, ROOT

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
_spec = importlib.util.spec_from_file_location("ui_app_h", ROOT / "ui" / "app.py")
assert _spec and _spec.loader
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    import paracite

    a = paracite.Assistant(home=tmp_path_factory.mktemp("h"))
    assert a.ingest([INGEST]).ok
    return app.UI(a)


def final(gen):
    *_, last = list(gen)
    return last


def test_document_filter_limits_the_sources(ui):
    chat, state, sources, _ = final(ui.ask("When will the report be adopted?", [], [],
                                           "extractive", ["agenda"]))
    assert "agenda, " in sources and "report, " not in sources
    assert state[-1][0] == "When will the report be adopted?"


def test_each_session_keeps_its_own_history(ui):
    _, s1, _, _ = final(ui.ask("Who was elected Rapporteur?", [], [], "extractive", []))
    _, s2, _, _ = final(ui.ask("Who opened the meeting, and why?", [], [], "extractive", []))
    chat, s1b, _, _ = final(ui.ask("and from which country?", [], s1, "extractive", []))
    assert "Netherlands" in chat[-1]["content"]
    assert len(s1b) == 2 and len(s2) == 1


def test_answerer_selector_offers_what_can_run(ui):
    names = ui.base.available_llms()
    assert names[0] == "extractive"
    assert all(n in ("extractive", "local") or n.startswith("openai:") for n in names)
    assert ui.assistant("extractive") is ui.base


def test_errors_are_shown_without_paths_or_tracebacks(ui):
    chat, _, _, _ = final(ui.ask("?!?", [], [], "extractive", []))
    assert chat[-1]["content"].startswith("⚠️") and "Traceback" not in chat[-1]["content"]
    assert "/" not in chat[-1]["content"]
