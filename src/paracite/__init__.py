"""paracite: answers from UN meeting records, every claim cited to its paragraph.

``Assistant`` is the one object to hold; ``vectorstore()`` and ``chain()`` are the same
store and the same chain for LangChain (:mod:`paracite.lc`).

>>> import paracite
>>> sorted(paracite.__all__)[:3]
['Answer', 'Assistant', 'Citation']
"""

from paracite.assistant import Assistant
from paracite.documents import Answer, Citation, DocumentInfo, Footnote, Passage
from paracite.errors import ParaciteError
from paracite.ingest import IngestProgress, IngestReport
from paracite.lc import chain, retriever, vectorstore  # after assistant: ``paracite.chain`` is this
from paracite.pages import PageImage
from paracite.settings import Settings

__all__ = ["Answer", "Assistant", "Citation", "DocumentInfo", "Footnote", "IngestProgress",
           "IngestReport", "PageImage", "ParaciteError", "Passage", "Settings", "chain",
           "retriever", "vectorstore"]
__version__ = "0.1.0"
