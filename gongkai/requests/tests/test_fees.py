"""Information-processing fees (requests.fees, 国办函〔2020〕109号). Amounts computed by hand."""

import pytest

from gongkai.requests.fees import (
    Fee,
    FeeBand,
    FeeError,
    FeeMethod,
    calculate_fee,
    fee_by_item,
    fee_by_volume,
    item_price,
    page_price,
)


@pytest.mark.parametrize(
    ("number", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400), (61, 500)],
)
def test_item_price_by_position_in_the_month(number: int, price: int) -> None:
    assert item_price(number) == price


@pytest.mark.parametrize(
    ("number", "price"), [(1, 0), (30, 0), (31, 10), (100, 10), (101, 20), (200, 20), (201, 40), (5000, 40)]
)
def test_page_price(number: int, price: int) -> None:
    assert page_price(number) == price


@pytest.mark.parametrize(
    ("items", "earlier", "amount"),
    [
        (0, 0, 0),
        (1, 0, 0),
        (10, 0, 0),
        (11, 0, 100),
        (30, 0, 2000),  # 20 × 100
        (31, 0, 2200),
        (40, 0, 4000),  # 2000 + 10 × 200
        (41, 0, 4300),
        (50, 0, 7000),  # 4000 + 10 × 300
        (55, 0, 9000),  # 7000 + 5 × 400
        (5, 8, 300),  # items 9–13 of the month: 11, 12, 13 charged
        (5, 28, 800),  # items 29–33: 2 × 100 + 3 × 200
        (1, 40, 300),  # the 41st item
        (3, 0, 0),
    ],
)
def test_fee_by_item(items: int, earlier: int, amount: int) -> None:
    assert fee_by_item(items=items, earlier_items_this_month=earlier).amount == amount


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_fee_by_volume(pages: int, amount: int) -> None:
    assert fee_by_volume(pages=pages).amount == amount


def test_bands_show_the_working() -> None:
    fee = fee_by_item(items=5, earlier_items_this_month=28)
    assert fee == Fee(FeeMethod.BY_ITEM, 800, (FeeBand(29, 30, 100), FeeBand(31, 33, 200)))
    assert [(b.quantity, b.amount) for b in fee.bands] == [(2, 200), (3, 600)]
    assert not fee.free
    assert "国办函〔2020〕109号" in fee.basis

    pages = fee_by_volume(pages=250)
    assert pages.bands == (FeeBand(31, 100, 10), FeeBand(101, 200, 20), FeeBand(201, 250, 40))
    assert fee_by_volume(pages=30) == Fee(FeeMethod.BY_VOLUME, 0, ())
    assert fee_by_volume(pages=30).free


def test_calculate_fee_uses_one_method() -> None:
    assert calculate_fee(method=FeeMethod.BY_ITEM, items=31).amount == 2200
    assert calculate_fee(method="by_volume", pages=101).amount == 720


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": FeeMethod.BY_ITEM, "items": 12, "pages": 40}, "不能同时适用"),
        ({"method": FeeMethod.BY_VOLUME, "items": 12, "pages": 40}, "不能同时适用"),
        ({"method": FeeMethod.BY_ITEM}, "请提供件数"),
        ({"method": FeeMethod.BY_VOLUME}, "请提供页数"),
        ({"method": FeeMethod.BY_VOLUME, "pages": 40, "earlier_items_this_month": 3}, "不累计"),
        ({"method": "by_weight", "items": 3}, "未知的计收方式"),
        ({"method": FeeMethod.BY_ITEM, "items": -1}, "不能为负数"),
        ({"method": FeeMethod.BY_ITEM, "items": 3, "earlier_items_this_month": -2}, "不能为负数"),
        ({"method": FeeMethod.BY_VOLUME, "pages": 2.5}, "不是整数"),
        ({"method": FeeMethod.BY_ITEM, "items": True}, "不是整数"),
    ],
)
def test_bad_input_is_refused_in_chinese(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FeeError, match=message):
        calculate_fee(**kwargs)  # type: ignore[arg-type]
