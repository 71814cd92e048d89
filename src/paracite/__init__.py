"""paracite: answers from UN meeting records, every claim cited to its paragraph.

>>> import paracite
>>> sorted(paracite.__all__)[:3]
['Answer', 'Assistant', 'Citation']
"""

from paracite.assistant import Assistant
from paracite.documents import Answer, Citation, DocumentInfo, Footnote, Passage
from paracite.errors import ParaciteError
from paracite.ingest import IngestProgress, IngestReport
from paracite.pages import PageImage
from paracite.settings import Settings

__all__ = ["Answer", "Assistant", "Citation", "DocumentInfo", "Footnote", "IngestProgress",
           "IngestReport", "PageImage", "ParaciteError", "Passage", "Settings"]
__version__ = "0.1.0"
