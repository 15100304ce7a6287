"""GcTuning: the crawl process collects garbage less often while the engine runs, and puts things back after."""

from __future__ import annotations

import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.gctune import GcTuning, tune_gc, untune_gc


def test_thresholds_set_at_engine_start_and_restored_at_stop() -> None:
    """engine_started freezes the heap and sets the configured thresholds; engine_stopped restores both."""
    before = gc.get_threshold()
    crawler = get_crawler(settings_dict={"NEWSCRAWL_GC_THRESHOLDS": [4321, 9, 8]})
    ext = GcTuning.from_crawler(crawler)
    crawler.signals.send_catch_log(signal=signals.engine_started)
    try:
        assert gc.get_threshold() == (4321, 9, 8)
        assert gc.get_freeze_count() > 0
    finally:
        crawler.signals.send_catch_log(signal=signals.engine_stopped)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert ext.previous is None


def test_tune_and_untune_are_inverse() -> None:
    """tune_gc returns the thresholds it replaced, and untune_gc brings them back."""
    before = gc.get_threshold()
    previous = tune_gc((6000, 10, 10))
    try:
        assert previous == before
        assert gc.get_threshold() == (6000, 10, 10)
    finally:
        untune_gc(previous)
    assert gc.get_threshold() == before


def test_disabled_or_bad_thresholds_refuse_clearly() -> None:
    """NEWSCRAWL_GC_TUNING_ENABLED=False raises NotConfigured; thresholds that are not three usable integers raise ValueError."""
    with pytest.raises(NotConfigured, match="NEWSCRAWL_GC_TUNING_ENABLED is off"):
        GcTuning.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_GC_TUNING_ENABLED": False}))
    for bad in ([5000, 10], [0, 10, 10], [5000, -1, 10]):
        with pytest.raises(ValueError, match="three non-negative integers"):
            GcTuning.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_GC_THRESHOLDS": bad}))
