"""The evaluation files' builder: the frozen files are reproduced from ../shared/data, the
files share no question, and every held-out file keeps ≥ 20 % unanswerable ones."""

import itertools
import json
from pathlib import Path

import pytest

from gongkai.assistant.eval import build

DATA = Path(build.__file__).resolve().parents[3].parent / "shared" / "data"

pytestmark = pytest.mark.skipif(not (DATA / "dev_questions.jsonl.gz").exists(), reason="../shared/data is not present")


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_tuning_file_only_unless_asked(tmp_path: Path) -> None:
    assert build.build(DATA, out_dir=tmp_path) == {"tune.jsonl": 1243}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tune.jsonl"]


def test_builder_reproduces_the_frozen_files_and_keeps_them_apart(tmp_path: Path) -> None:
    written = build.build(
        DATA, heldout=True, heldout2=True, heldout3=True, heldout4=True, heldout5=True, out_dir=tmp_path
    )
    assert written == {
        "tune.jsonl": 1243,
        "heldout.jsonl": 198,
        "heldout2.jsonl": 206,
        "heldout3.jsonl": 210,
        "heldout4.jsonl": 210,
        "heldout5.jsonl": 80,
    }
    for name in written:
        assert (tmp_path / name).read_bytes() == (build.HERE / name).read_bytes(), name
    files = {name: _rows(tmp_path / name) for name in written}
    for name, rows in files.items():
        assert len({r["id"] for r in rows}) == len(rows), name
    for a, b in itertools.combinations(written, 2):
        # Counts only: a failure must not print the held-out files' questions.
        shared_ids = len({r["id"] for r in files[a]} & {r["id"] for r in files[b]})
        shared_questions = len({r["question"] for r in files[a]} & {r["question"] for r in files[b]})
        assert (shared_ids, shared_questions) == (0, 0), (a, b)
    for name, civil_count, prefix in (
        ("heldout2.jsonl", build.CIVIL_HELDOUT2, "unanswerable2-"),
        ("heldout3.jsonl", build.CIVIL_HELDOUT3, "unanswerable3-"),
        ("heldout4.jsonl", build.CIVIL_HELDOUT4, "unanswerable4-"),
    ):
        rows = files[name]
        unanswerable = [r for r in rows if not r["answerable"]]
        assert len(unanswerable) >= 40 and len(unanswerable) >= 0.2 * len(rows), name
        assert all(r["relevant_external_ids"] == [] and str(r["id"]).startswith(prefix) for r in unanswerable), name
        civil = [r for r in rows if r["answerable"]]
        assert len(civil) == civil_count, name
        assert all(r["relevant_external_ids"] and str(r["id"]).startswith("lawyerllama") for r in civil), name
    # The third file's civil questions are exactly dev questions 600–749 and the fourth's
    # 750–899; their unanswerable ones are all 60 of unanswerable3.txt and unanswerable4.txt.
    for name, first, number in (("heldout3.jsonl", 600, 3), ("heldout4.jsonl", 750, 4)):
        rows = files[name]
        civil_ids = [f"lawyerllama-zixun-{n:04d}" for n in range(first, first + 150)]
        assert [r["id"] for r in rows if r["answerable"]] == civil_ids, name
        assert [r["id"] for r in rows if not r["answerable"]] == [f"unanswerable{number}-{n:03d}" for n in range(1, 61)]
    # The fifth holds the 80 questions of unanswerable5.txt only.
    assert [r["id"] for r in files["heldout5.jsonl"]] == [f"unanswerable5-{n:03d}" for n in range(1, 81)]
    assert not any(r["answerable"] or r["relevant_external_ids"] for r in files["heldout5.jsonl"])


@pytest.mark.parametrize(
    ("constant", "name"),
    [
        ("CIVIL_HELDOUT2", "heldout2"),  # 300 civil, 56 unanswerable: 16 %
        ("CIVIL_HELDOUT3", "heldout3"),  # 300 civil, 60 unanswerable: 17 %
        ("CIVIL_HELDOUT4", "heldout4"),  # 250 civil left (dev 750–999), 60 unanswerable: 19 %
    ],
)
def test_a_held_out_file_needs_a_fifth_unanswerable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, constant: str, name: str
) -> None:
    monkeypatch.setattr(build, constant, 300)
    with pytest.raises(ValueError, match=rf"{name}\.jsonl needs at least 20 %"):
        build.build(DATA, **{name: True}, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing written
