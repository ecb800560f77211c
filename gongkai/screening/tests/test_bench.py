from gongkai.screening import bench


def test_bench_runs_small_and_reports_every_kind() -> None:
    result = bench.run(size_mb=0.3, real=False)
    labels = [row[0] for row in result["rows"]]
    assert labels[:3] == ["text, screen_text", "text, screen_document .txt", "dense lists, screen_text"]
    assert "PDF, 100 text pages" in labels
    pdf_findings = next(row[3] for row in result["rows"] if row[0] == "PDF, 100 text pages")
    assert pdf_findings == 30  # ten planted pages: a name, an identity number and a mobile each
    assert {"id_card", "mobile", "name"} <= set(result["kinds"])
    precision, recall, *_ = result["overall"]
    assert precision >= 0.95 and recall >= 0.95
    assert result["distractors_flagged"] == 0
    text = bench.report(result)
    assert "| id_card |" in text and "MB/s" in text and "CPUs (nproc)" in text
