"""The page: gradio components, laid out by area, and the events that join them to ``UI``.

``build`` makes the Blocks app: the conversation column (chat, question box, suggested
questions, answerer and document filter), the sources panel beside it, and the documents
area under both (table, upload, delete). Each area is made by its own function into one
``Page``; the events are wired by area after that, in a fixed order (gradio numbers the
events in the order they are made, and scripts that drive the queue name them by it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paracite import Assistant

from .handlers import SUGGESTIONS, UI
from .render import documents_table, format_sources
from .state import BROWSER_STORAGE_KEY, chat_messages
from .uploads import UPLOAD_TYPES


class Page:
    """The components the events read and write, set as the areas are made."""

    status: Any
    convo: Any
    chat: Any
    question: Any
    chip: Any
    ask_btn: Any
    new_btn: Any
    suggest: list[Any]
    llm: Any
    docs: Any
    sources: Any
    table: Any
    files: Any
    upload_btn: Any
    unstored_row: Any
    unstored_note: Any
    reingest_btn: Any
    upload_result: Any
    delete_pick: Any
    delete_btn: Any
    confirm_row: Any
    confirm_text: Any
    confirm_btn: Any
    cancel_btn: Any
    delete_result: Any

    @property
    def listing(self) -> list[Any]:
        """What ``listing`` rebuilds from the store."""
        return [self.table, self.docs, self.delete_pick, *self.suggest, self.status,
                self.unstored_row, self.unstored_note]


def build(assistant: Assistant | None = None, answerers: Mapping[str, Any] | None = None
          ) -> Any:
    """The gradio Blocks app over ``assistant`` (default: one from settings).
    ``answerers``: more chat models to offer by name (e.g. a test's fake)."""
    import gradio as gr

    ui = UI(assistant or Assistant(), answerers)
    page = Page()
    with gr.Blocks(title="paracite", fill_width=True) as demo:
        ui.received = demo.upload_file_set  # what gradio's /upload route wrote
        gr.Markdown("## paracite — answers from UN meeting records, cited to the paragraph")
        page.status = gr.Markdown("Loading …", elem_id="status")
        page.convo = gr.BrowserState([], storage_key="paracite-conversation",
                                     secret=BROWSER_STORAGE_KEY)
        with gr.Row():
            with gr.Column(scale=5):
                _conversation(page, ui)
            with gr.Column(scale=8, elem_id="sources-col"):
                gr.Markdown("### Sources")
                page.sources = gr.Markdown(format_sources(None), elem_id="sources",
                                           sanitize_html=True, latex_delimiters=[])
        with gr.Accordion("Documents", open=True):
            _documents(page)
        _on_load(demo, page, ui)
        _on_ask(page, ui)
        _on_filter(page, ui)
        _on_documents(page, ui)
    settings = ui.base.settings
    demo.queue(default_concurrency_limit=settings.ui_concurrency,
               max_size=settings.ui_max_queue)
    demo.paracite_ui = ui
    return demo


# -- the areas -----------------------------------------------------------------------------

def _conversation(page: Page, ui: UI) -> None:
    """The chat, the question box with the filter chip, Ask and New conversation, the
    suggested questions, and the answerer and document filter (folded)."""
    import gradio as gr

    page.chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                           buttons=["copy"], sanitize_html=True,
                           latex_delimiters=[],  # '$$' in a record is text
                           feedback_options=("Like", "Dislike"))
    with gr.Row(equal_height=True):
        page.question = gr.Textbox(label="Question", placeholder="Loading …",
                                   elem_id="question", lines=1, scale=5, interactive=False)
        page.chip = gr.Button("", visible=False, elem_id="filter-chip", size="sm", scale=0)
    with gr.Row():
        page.ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
        page.new_btn = gr.Button("New conversation", elem_id="new")
    gr.Markdown("Suggested questions, each answered by the documents:",
                elem_id="suggest-label")
    with gr.Row(elem_id="suggestions"):
        page.suggest = [gr.Button(visible=False, size="sm", elem_id=f"suggest-{i}",
                                  elem_classes=["suggestion"]) for i in range(SUGGESTIONS)]
    with gr.Accordion("Answerer and documents", open=False):
        page.llm = gr.Dropdown(ui.answerer_choices(), value="extractive", label="Answerer",
                               elem_id="llm", info="Every answer is checked against the "
                               "records before it is shown.")
        page.docs = gr.CheckboxGroup([], label="Ask only these documents (none ticked: all)",
                                     elem_id="docs")


def _documents(page: Page) -> None:
    """The documents table, the upload (and re-ingest of uploads the store lacks), and
    delete with its confirmation."""
    import gradio as gr

    page.table = gr.Markdown(documents_table([]), elem_id="doc-table", sanitize_html=True,
                             latex_delimiters=[])
    page.files = gr.File(label="Add PDF, Markdown or text files", file_count="multiple",
                         file_types=UPLOAD_TYPES, elem_id="upload")
    page.upload_btn = gr.Button("Ingest uploaded files", elem_id="ingest")
    with gr.Row(visible=False, equal_height=True, elem_id="unstored-row") as row:
        page.unstored_row = row
        page.unstored_note = gr.Markdown(elem_id="unstored")
        page.reingest_btn = gr.Button("Ingest them again", elem_id="reingest", scale=0)
    page.upload_result = gr.Markdown(elem_id="upload-result")
    with gr.Row(equal_height=True):
        page.delete_pick = gr.Dropdown([], label="Delete a document", elem_id="delete-doc",
                                       scale=3)
        page.delete_btn = gr.Button("Delete…", elem_id="delete", variant="stop", scale=1)
    with gr.Row(visible=False, elem_id="delete-confirm-row") as confirm_row:
        page.confirm_row = confirm_row
        page.confirm_text = gr.Markdown(elem_id="delete-question")
        page.confirm_btn = gr.Button("Yes, delete", variant="stop", elem_id="delete-confirm")
        page.cancel_btn = gr.Button("Cancel", elem_id="delete-cancel")
    page.delete_result = gr.Markdown(elem_id="delete-result")


# -- the events ----------------------------------------------------------------------------

def listing(ui: UI, selected: list[str] | None) -> tuple[Any, ...]:
    """The documents table, the filter (keeping what is still stored of ``selected``), the
    delete list, the suggested questions, the status line and the note on uploads the
    store lacks, for ``Page.listing``. Built on every page load and after every upload or
    delete, never once at start."""
    import gradio as gr

    stored = ui.base.documents()
    ids = [d.id for d, _ in stored]
    choices = ui.choices(stored)
    shown = ui.suggestions()
    buttons = [gr.update(value=shown[i], visible=True) if i < len(shown)
               else gr.update(visible=False) for i in range(SUGGESTIONS)]
    missing = ui.unstored_note(ui.unstored())
    return (gr.update(value=documents_table(stored)),
            gr.update(choices=choices, value=[d for d in selected or [] if d in ids]),
            gr.update(choices=choices, value=None), *buttons, ui.status(stored),
            gr.update(visible=bool(missing)), missing)


def _on_load(demo: Any, page: Page, ui: UI) -> None:
    """A page load restores the conversation the browser kept, then lists the documents."""
    import gradio as gr

    def restore(turns: Any) -> tuple[Any, ...]:
        """The conversation this browser kept; the question box opens only then, so
        a question asked at once is not overwritten by the restored conversation."""
        turns = ui.turns(turns)
        return (chat_messages(turns), turns, ui.sources_html(turns),
                gr.update(interactive=True, placeholder="Ask about the records"))

    def refresh(selected: list[str] | None) -> tuple[Any, ...]:
        return listing(ui, selected)

    demo.load(restore, [page.convo], [page.chat, page.convo, page.sources, page.question],
              api_name=False).then(refresh, [page.docs], page.listing, api_name=False)


def _on_ask(page: Page, ui: UI) -> None:
    """Asking, choosing an answer's sources, rating an answer, and the one reset.

    Ask and Enter are one event, one question at a time per page. While an answer is
    written, Ask is disabled and the page script queues what is asked meanwhile (Enter, a
    suggestion), showing it; "always_last" holds a question sent before the page saw the
    answer end, instead of dropping it. A suggestion is asked through the box
    (paracite.js), so it queues the same way."""
    import gradio as gr

    chat, convo, sources = page.chat, page.convo, page.sources
    gr.on([page.ask_btn.click, page.question.submit], ui.ask,
          [page.question, convo, page.llm, page.docs],
          [chat, convo, sources, page.question, page.ask_btn], api_name="ask",
          trigger_mode="always_last", show_progress_on=[chat])

    def select(turns: Any, evt: gr.SelectData) -> str:
        return ui.show_turn(turns, evt.index)

    select.__annotations__["evt"] = gr.SelectData  # gradio reads the class itself
    chat.select(select, [convo], [sources], api_name=False)

    def like(turns: Any, evt: gr.LikeData) -> None:
        said = ui.feedback(turns, evt.index, evt.liked)
        if said:
            gr.Info(said)

    like.__annotations__["evt"] = gr.LikeData
    chat.like(like, [convo], None, api_name=False)

    # one reset: history, sources and filter; the chat's own clear icon does the same
    reset_outs = [chat, convo, sources, page.docs, page.question]
    page.new_btn.click(ui.reset, None, reset_outs, api_name=False)
    chat.clear(ui.reset, None, reset_outs, api_name=False)


def _on_filter(page: Page, ui: UI) -> None:
    """The filter chip: shown while a filter is on; clicking it removes the filter."""
    import gradio as gr

    page.docs.change(lambda d: gr.update(value=ui.chip(d), visible=bool(d)), page.docs,
                     page.chip, api_name=False)
    page.chip.click(lambda: [], None, page.docs, api_name=False)


def _on_documents(page: Page, ui: UI) -> None:
    """Upload, re-ingest and delete; each lists the documents again when done."""
    import gradio as gr

    def do_upload(f: Any, selected: list[str] | None,
                  progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        message, _, _ = ui.upload(f, progress)
        # the chosen files are cleared: their temporary copies are gone after this
        return (message, gr.update(value=None), *listing(ui, selected))

    page.upload_btn.click(do_upload, [page.files, page.docs],
                          [page.upload_result, page.files, *page.listing],
                          api_name="do_upload", show_progress_on=[page.upload_result])

    def do_reingest(selected: list[str] | None,
                    progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return (ui.reingest(progress), *listing(ui, selected))

    page.reingest_btn.click(do_reingest, [page.docs], [page.upload_result, *page.listing],
                            api_name=False, show_progress_on=[page.upload_result])

    page.delete_btn.click(lambda d: (gr.update(visible=bool(d)), ui.delete_question(d)),
                          page.delete_pick, [page.confirm_row, page.confirm_text],
                          api_name=False)
    page.cancel_btn.click(lambda: gr.update(visible=False), None, page.confirm_row,
                          api_name=False)

    def do_delete(d: str | None, selected: list[str] | None) -> tuple[Any, ...]:
        said = ui.delete(d)
        return (said, gr.update(visible=False), *listing(ui, selected))

    page.confirm_btn.click(do_delete, [page.delete_pick, page.docs],
                           [page.delete_result, page.confirm_row, *page.listing],
                           api_name=False)
