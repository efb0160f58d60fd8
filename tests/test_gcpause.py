"""Tests for trdfaq.gcpause: collection is paused within the block and resumes as it was."""

from __future__ import annotations

import gc

import pytest

from trdfaq.gcpause import gc_paused


def test_collection_resumes_after_the_block_even_when_it_raises() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_nested_pause_leaves_collection_paused_until_the_outer_block_ends() -> None:
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collection_paused_before_stays_paused() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
