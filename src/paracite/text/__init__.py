"""Words: the layer between raw text and everything that searches or answers.

- ``tokens``: surface words, stop words, search tokens (symbols kept whole and split);
- ``stems``: Snowball stems (PyStemmer);
- ``spelling``: the records' word closest to a misspelt one (rapidfuzz);
- ``synonyms``: general UN usage, as data (``synonyms.tsv``, one reason per line);
- ``sentences``: sentences of a passage, located in it; where a sentence ends (one rule,
  also where structure recovery cuts a long passage);
- ``questions``: what a question asks for (its type, the names and numbers it needs);
- ``query``: a question read once into a :class:`~paracite.text.query.Query`;
- ``stats``: the term-statistics protocol the keyword index implements;
- ``un_patterns``: the shapes of UN documents' own marks (symbols, dates and month
  names, numbered paragraphs, footnote markers, page marks), shared with the parsers.

Keyword search and the answerers use the same functions, so a question term means the same
thing when a passage is found and when a sentence is chosen.
"""
