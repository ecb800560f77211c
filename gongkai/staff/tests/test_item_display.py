"""The diff reviewers read: line by line with context, and the metadata that changed."""

from gongkai.staff.item_display import DiffLine, diff_lines, safe_body, snapshot_diff


def test_equal_texts_have_no_diff() -> None:
    assert diff_lines(["甲", "乙"], ["甲", "乙"]) == []


def test_a_changed_line_with_context_and_gaps() -> None:
    old = [f"第{n}行" for n in range(1, 11)]
    new = [*old[:4], "第5行（改）", *old[5:]]
    rows = diff_lines(old, new, context=1)
    assert rows == [
        DiffLine("gap", None, None, ""),
        DiffLine("equal", 4, 4, "第4行"),
        DiffLine("delete", 5, None, "第5行"),
        DiffLine("insert", None, 5, "第5行（改）"),
        DiffLine("equal", 6, 6, "第6行"),
        DiffLine("gap", None, None, ""),
    ]


def test_added_lines_at_the_end_and_changed_fields_are_labelled() -> None:
    old = {"title": "旧标题", "validity": "in_force", "column_id": 1, "body_html": "<p>一</p>"}
    new = {"title": "新标题", "validity": "repealed", "column_id": 2, "body_html": "<p>一</p><p>二</p>"}
    diff = snapshot_diff(old, new, columns={1: "政策文件", 2: "其他文件"}, subjects={})
    assert [(c.label, c.old, c.new) for c in diff.fields] == [
        ("标题", "旧标题", "新标题"),
        ("栏目", "政策文件", "其他文件"),
        ("有效性", "现行有效", "废止"),
    ]
    assert diff.lines == [DiffLine("equal", 1, 1, "一"), DiffLine("insert", None, 2, "二")]
    assert diff.has_changes


def test_stored_body_is_sanitised_again_before_embedding() -> None:
    assert str(safe_body('<p>正文</p><img src=x onerror="alert(1)">')) == "<p>正文</p>"
