"""The entry module of paracite's web UI: what ``paracite ui`` loads and calls.

``paracite.cli.load_ui()`` loads this module as ``paracite.ui.app``, from the installed
package or from a checkout's ui/ (see the package's docstring in ``__init__.py`` for what
each module of it does and what a user can rely on). ``launch`` serves the UI, ``build``
makes the gradio app without serving it, ``UI`` holds its handlers.
"""

from __future__ import annotations

from .handlers import UI
from .layout import build
from .server import Served, launch, make_app

__all__ = ["UI", "Served", "build", "launch", "make_app"]
