"""Information-processing fees (信息处理费) for disclosure requests.

Pure: no database, no clock. The rules are those of 条例第四十二条 and 《政府信息公开信息处理费
管理办法》（国办函〔2020〕109号）. Disclosure is free by default; where a fee is charged the office
chooses ONE method for a request, never both:

- 按件计收 (per item), counted per requester per calendar month, cumulatively:
  items 1–10 free; 11–30 at 100 yuan each; above 30, every further band of 10 items costs
  100 yuan more per item (31–40 at 200, 41–50 at 300, ...). The caller passes how many items the
  same requester was already charged for (or asked for) this month.
- 按量计收 (per volume), per request: pages 1–30 free; 31–100 at 10 yuan per page;
  101–200 at 20; 201 and above at 40.

Amounts are whole yuan (int). Each band charged is listed so a 收费通知书 can show the working.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

BASIS = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

#: 按件: free items per requester per calendar month; the first charged band and its price.
FREE_ITEMS = 10
FIRST_ITEM_BAND_END = 30
FIRST_ITEM_PRICE = 100
ITEM_BAND_SIZE = 10
ITEM_PRICE_STEP = 100

#: 按量: (last page of the band or None for "and above", yuan per page).
PAGE_BANDS: tuple[tuple[int | None, int], ...] = ((30, 0), (100, 10), (200, 20), (None, 40))


class FeeMethod(models.TextChoices):
    BY_ITEM = "by_item", _("按件计收")
    BY_VOLUME = "by_volume", _("按量计收")


class FeeError(ValueError):
    """The input breaks a rule; the message (Chinese) says which."""


@dataclass(frozen=True, slots=True)
class FeeBand:
    """Units first..last (numbered as the rule counts them) at unit_price yuan each."""

    first: int
    last: int
    unit_price: int

    @property
    def quantity(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class Fee:
    method: FeeMethod
    amount: int
    bands: tuple[FeeBand, ...]
    basis: str = BASIS

    @property
    def free(self) -> bool:
        return self.amount == 0


def item_price(number: int) -> int:
    """The price of the ``number``-th item a requester asks for in a calendar month (1-based)."""
    if number <= FREE_ITEMS:
        return 0
    if number <= FIRST_ITEM_BAND_END:
        return FIRST_ITEM_PRICE
    extra_bands = -(-(number - FIRST_ITEM_BAND_END) // ITEM_BAND_SIZE)  # ceil: 31–40 → 1
    return FIRST_ITEM_PRICE + extra_bands * ITEM_PRICE_STEP


def page_price(number: int) -> int:
    """The price of the ``number``-th page of one request (1-based)."""
    for last, price in PAGE_BANDS:
        if last is None or number <= last:
            return price
    raise AssertionError("unreachable: the last band is open-ended")  # pragma: no cover


def _bands(first: int, last: int, price: Callable[[int], int]) -> tuple[FeeBand, ...]:
    """Group units first..last into runs of equal price (free runs left out)."""
    bands: list[FeeBand] = []
    number = first
    while number <= last:
        unit_price = price(number)
        end = number
        while end < last and price(end + 1) == unit_price:
            end += 1
        if unit_price:
            bands.append(FeeBand(number, end, unit_price))
        number = end + 1
    return tuple(bands)


def _count(value: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{label}“{value}”不是整数。")
    if value < 0:
        raise FeeError(f"{label}不能为负数（收到 {value}）。")
    return value


def fee_by_item(*, items: int, earlier_items_this_month: int = 0) -> Fee:
    """按件计收: the fee for ``items`` items, after ``earlier_items_this_month`` items the same
    requester already asked for in this calendar month (the count is cumulative)."""
    items = _count(items, "件数")
    earlier = _count(earlier_items_this_month, "本月已申请件数")
    bands = _bands(earlier + 1, earlier + items, item_price)
    return Fee(FeeMethod.BY_ITEM, sum(b.amount for b in bands), bands)


def fee_by_volume(*, pages: int) -> Fee:
    """按量计收: the fee for one request of ``pages`` pages."""
    pages = _count(pages, "页数")
    bands = _bands(1, pages, page_price)
    return Fee(FeeMethod.BY_VOLUME, sum(b.amount for b in bands), bands)


def calculate_fee(
    *,
    method: FeeMethod | str,
    items: int | None = None,
    earlier_items_this_month: int = 0,
    pages: int | None = None,
) -> Fee:
    """The fee of one request by the method the office chose; refuses input for both methods."""
    if items is not None and pages is not None:
        raise FeeError("同一申请只能按件或按量中的一种方式计收，不能同时适用（国办函〔2020〕109号）。")
    if method == FeeMethod.BY_ITEM:
        if items is None:
            raise FeeError("按件计收时请提供件数。")
        return fee_by_item(items=items, earlier_items_this_month=earlier_items_this_month)
    if method == FeeMethod.BY_VOLUME:
        if pages is None:
            raise FeeError("按量计收时请提供页数。")
        if earlier_items_this_month:
            raise FeeError("按量计收按单个申请计算，不累计本月已申请件数。")
        return fee_by_volume(pages=pages)
    raise FeeError(f"未知的计收方式“{method}”，可选：by_item（按件计收）、by_volume（按量计收）。")
