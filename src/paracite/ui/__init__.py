"""The paracite web UI (gradio): chat over the records, every citation one click away.

It formats and wires; it owns no retrieval or citation logic. Everything it shows comes
from ``paracite.Assistant`` (answers, citations, documents, ingest reports, page images),
and it imports nothing of paracite but its public API (``paracite.__all__``).
One concern a module:

- ``app``: the entry module ``paracite ui`` loads (``launch``, ``build``, ``UI``);
- ``render``: answers, sources, documents and progress as HTML/Markdown (pure functions);
- ``state``: the conversation kept in the browser, every turn signed by the server;
- ``uploads``: upload files and the upload events;
- ``handlers``: ``UI``, the event handlers shared by every browser session;
- ``layout``: the gradio page, made area by area, and its events;
- ``security``: security headers, the CSP and the host allow-list (``Guard``);
- ``server``: the UI's own routes, the ASGI app, ``launch``; ``static/``: the page
  script (paracite.js) and styles (paracite.css).

What a user can rely on:
- every answer keeps its own sources: markers are unique per turn (``#src-<turn>-<n>``)
  and the sources panel holds every turn's paragraphs, the latest open;
- a PDF source shows its real page with the cited paragraph highlighted, and opens the
  PDF at that page; a Markdown source shows the paragraphs before and after;
- nothing unverified is shown: an LLM answer appears only after its sentences passed the
  citation check;
- record text is always HTML-escaped before it is shown, and Markdown-escaped in Markdown
  messages: no link or image is made from a record's or a user's text;
- the conversation is kept in the browser's storage across reloads, and "New
  conversation" resets history, sources and the document filter together. Every turn is
  signed by the server (HMAC-SHA256 under PARACITE_HOME/ui-secret, which never leaves
  it): a turn the browser changed or made up is dropped, never answered from or rated.

Run it with ``paracite ui`` (binds 127.0.0.1:7860 unless PARACITE_UI_HOST/PORT say else).
It is served by uvicorn behind `Guard`: security headers (a strict CSP) on every response,
and requests for host names other than PARACITE_UI_ALLOWED_HOSTS refused (DNS rebinding).
In a checkout, ``load_ui`` loads this folder as the package ``paracite.ui``, as it is
installed (the wheel holds it as paracite/ui), so its modules import each other alike.
"""
