"""The parsing worker process: failures, hangs, memory and crashes come back as one
file's ParseError, and the worker goes on with the next file."""

from __future__ import annotations

import os
import time

import pytest

from paracite.errors import ParseError
from paracite.parsing.worker import ParseWorker


def test_an_exception_in_the_worker_comes_back_with_its_type_and_message():
    with ParseWorker(timeout_s=60, memory_mb=0) as w:
        with pytest.raises(ParseError, match=r"bad\.pdf: could not be read \(ValueError"):
            w.call(int, "not a number", name="bad.pdf")
        assert w.call(int, "42", name="good.md") == 42  # the same worker goes on


def test_a_hang_is_stopped_at_the_time_limit_and_a_new_worker_takes_the_next_file():
    with ParseWorker(timeout_s=1, memory_mb=0) as w:
        w.call(int, "1", name="warm")  # start the worker outside the timed part
        t0 = time.monotonic()
        with pytest.raises(ParseError, match="PARACITE_PARSE_TIMEOUT_S"):
            w.call(time.sleep, 60, name="slow.pdf")
        assert time.monotonic() - t0 < 30
        assert w.call(int, "7", name="next.md") == 7


def test_a_memory_hog_is_stopped_by_the_memory_limit():
    with ParseWorker(timeout_s=60, memory_mb=1024) as w:
        with pytest.raises(ParseError, match="PARACITE_PARSE_MEMORY_MB"):
            w.call(bytearray, 4 * 1024 ** 3, name="bomb.pdf")
        assert w.call(int, "3", name="next.md") == 3


def test_a_worker_that_dies_is_reported_and_replaced():
    with ParseWorker(timeout_s=60, memory_mb=0) as w:
        with pytest.raises(ParseError, match="stopped unexpectedly"):
            w.call(os._exit, 3, name="crash.pdf")
        assert w.call(int, "5", name="next.md") == 5
