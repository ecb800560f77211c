"""The evaluation files' builder: the frozen files are reproduced from ../shared/data, the
three files share no question, and every held-out file keeps ≥ 20 % unanswerable ones."""

import json
from pathlib import Path

import pytest

from gongkai.assistant.eval import build

DATA = Path(build.__file__).resolve().parents[3].parent / "shared" / "data"

pytestmark = pytest.mark.skipif(not (DATA / "dev_questions.jsonl.gz").exists(), reason="../shared/data is not present")


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_tuning_file_only_unless_asked(tmp_path: Path) -> None:
    assert build.build(DATA, out_dir=tmp_path) == {"tune.jsonl": 514}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tune.jsonl"]


def test_builder_reproduces_the_frozen_files_and_keeps_them_apart(tmp_path: Path) -> None:
    written = build.build(DATA, heldout=True, heldout2=True, out_dir=tmp_path)
    assert written == {"tune.jsonl": 514, "heldout.jsonl": 198, "heldout2.jsonl": 206}
    for name in written:
        assert (tmp_path / name).read_bytes() == (build.HERE / name).read_bytes(), name
    files = {name: _rows(tmp_path / name) for name in written}
    for name, rows in files.items():
        assert len({r["id"] for r in rows}) == len(rows), name
    for a, b in (
        ("tune.jsonl", "heldout.jsonl"),
        ("tune.jsonl", "heldout2.jsonl"),
        ("heldout.jsonl", "heldout2.jsonl"),
    ):
        assert not {r["id"] for r in files[a]} & {r["id"] for r in files[b]}, (a, b)
        assert not {r["question"] for r in files[a]} & {r["question"] for r in files[b]}, (a, b)
    second = files["heldout2.jsonl"]
    unanswerable = [r for r in second if not r["answerable"]]
    assert len(unanswerable) >= 40 and len(unanswerable) >= 0.2 * len(second)
    assert all(r["relevant_external_ids"] == [] for r in unanswerable)
    civil = [r for r in second if r["answerable"]]
    assert len(civil) == build.CIVIL_HELDOUT2
    assert all(r["relevant_external_ids"] and str(r["id"]).startswith("lawyerllama") for r in civil)


def test_a_held_out_file_needs_a_fifth_unanswerable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "CIVIL_HELDOUT2", 300)  # 300 civil, 56 unanswerable: 16 %
    with pytest.raises(ValueError, match=r"heldout2\.jsonl needs at least 20 %"):
        build.build(DATA, heldout2=True, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing written
