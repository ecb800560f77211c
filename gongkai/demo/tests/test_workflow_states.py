"""The demo shows every workflow state, and only the right ones are public."""

from pathlib import Path

import pytest

from gongkai.demo import loader
from gongkai.publishing.models import DisclosureScope, InfoItem, ItemState
from gongkai.publishing.selectors import public_items


@pytest.fixture
def items(db: None, settings, tmp_path: Path) -> dict[str, InfoItem]:
    settings.SHARED_DIR = tmp_path  # no corpus: these tests are about the workflow states
    loader.load()
    return {
        str(i.external_id).removeprefix("demo-state-"): i
        for i in InfoItem.objects.filter(external_id__startswith="demo-state-")
    }


def test_every_state_is_present(items: dict[str, InfoItem]) -> None:
    assert items["draft"].state == ItemState.DRAFT
    assert (items["stage1"].state, items["stage1"].review_stage) == (ItemState.IN_REVIEW, 1)
    assert (items["stage2"].state, items["stage2"].review_stage) == (ItemState.IN_REVIEW, 2)
    assert (items["stage3"].state, items["stage3"].review_stage) == (ItemState.IN_REVIEW, 3)
    assert items["rejected"].state == ItemState.REJECTED
    assert items["approved"].state == ItemState.APPROVED
    assert items["scheduled"].is_live and items["scheduled"].index_number
    assert items["withdrawn"].state == ItemState.WITHDRAWN
    assert items["limited"].scope == DisclosureScope.LIMITED
    assert items["expired"].public_until is not None
    assert items["emergency"].emergency_pending
    assert items["published"].doc_number == "达市教发〔2026〕12号"


def test_only_published_public_items_are_public(items: dict[str, InfoItem]) -> None:
    public = {
        str(i.external_id).removeprefix("demo-state-")
        for i in public_items().filter(external_id__startswith="demo-state-")
    }
    assert public == {"published", "emergency"}


def test_loading_again_adds_no_item(items: dict[str, InfoItem]) -> None:
    count = InfoItem.objects.count()
    assert loader.load().workflow_items_created == 0
    assert InfoItem.objects.count() == count
