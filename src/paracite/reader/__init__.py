"""The trained reader: re-ranks the answerer's candidate sentences and scores whether the
best one answers (``model.py``), with the scripts that make its training data from dev
documents only (``corpus.py``, ``generate.py``) and train it (``train.py``)."""
