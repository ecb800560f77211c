from datetime import UTC, date, datetime

from django.template import Context, Template

from gongkai.web.templatetags.gk_format import gk_date, gk_datetime, gk_filesize


def test_times_are_shown_as_yyyy_mm_dd_hh_mm_in_beijing_time() -> None:
    moment = datetime(2025, 9, 30, 16, 5, 59, tzinfo=UTC)
    assert gk_datetime(moment) == "2025-10-01 00:05"
    assert gk_date(moment) == "2025-10-01"
    assert gk_date(date(2025, 1, 2)) == "2025-01-02"
    assert gk_datetime(None) == ""
    assert gk_date(None) == ""


def test_filters_work_in_templates() -> None:
    moment = datetime(2025, 3, 4, 1, 2, tzinfo=UTC)
    out = Template("{% load gk_format %}{{ t|gk_datetime }} {{ t|gk_date }}").render(Context({"t": moment}))
    assert out == "2025-03-04 09:02 2025-03-04"


def test_attachment_sizes_in_b_kb_mb() -> None:
    assert gk_filesize(0) == "0 B"
    assert gk_filesize(1023) == "1023 B"
    assert gk_filesize(1024) == "1.0 KB"
    assert gk_filesize(12_800) == "12.5 KB"
    assert gk_filesize(3 * 1024 * 1024 + 200_000) == "3.2 MB"
    assert gk_filesize(5 * 1024**4) == "5.0 TB"
    assert gk_filesize(2048 * 1024**4) == "2048.0 TB"
    assert gk_filesize(None) == ""
