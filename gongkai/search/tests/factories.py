"""Published items for the search tests, built through the publishing services, and the
two calls publishing makes into search (enqueue in the transaction, apply in the worker)."""

from dataclasses import dataclass

from django.db import transaction

from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk
from gongkai.search import outbox
from gongkai.web.tests.factories import published_in


@dataclass
class Corpus:
    insurance: InfoItem
    fund: InfoItem
    allowance: InfoItem
    veterans: InfoItem
    drink_driving: InfoItem
    county: InfoItem

    def all(self) -> list[InfoItem]:
        return [self.insurance, self.fund, self.allowance, self.veterans, self.drink_driving, self.county]


def index_items(items: list[InfoItem]) -> None:
    """What publishing does on publish (enqueue in its transaction), then the worker."""
    with transaction.atomic():
        outbox.enqueue([i.pk for i in items], "upsert")
    outbox.apply_pending()


def build_corpus(desk: Desk, county_desk: Desk) -> Corpus:
    insurance = published_in(
        desk,
        None,
        "关于进一步做好城乡居民医疗保障工作的通知",
        doc_number="甲市教发〔2024〕12号",
        body_html="<p>各区县：</p><p>为做好城乡居民基本医疗保险参保缴费和医疗费用报销工作，现就有关事项通知如下。</p>"
        "<p>一、参保人员住院发生的医疗费用，按规定予以报销。</p>",
    )
    fund = published_in(
        desk,
        None,
        "甲市住房公积金提取管理办法",
        body_html="<p>第一条 为规范住房公积金提取，维护缴存职工合法权益，制定本办法。</p>"
        "<p>第二条 职工购买自住住房的，可以提取住房公积金账户内的存储余额。</p>",
    )
    allowance = published_in(
        desk,
        None,
        "甲市城乡居民最低生活保障实施细则",
        body_html="<p>家庭人均收入低于当地最低生活保障标准的，可以申请最低生活保障。</p>",
    )
    veterans = published_in(
        desk,
        None,
        "關於做好退役軍人安置工作的意見",
        body_html="<p>各單位：為做好退役軍人就業安置工作，提出以下意見。</p>",
    )
    drink_driving = published_in(
        desk,
        None,
        "甲市醉酒驾驶专项整治工作方案",
        body_html="<p>依法严查醉酒驾驶、饮酒驾驶等交通违法行为。</p>",
    )
    county = published_in(
        county_desk,
        None,
        "乙县社会保险经办规程",
        body_html="<p>本县社会保险经办机构办理参保登记、缴费核定和待遇支付。</p>",
    )
    corpus = Corpus(insurance, fund, allowance, veterans, drink_driving, county)
    index_items(corpus.all())
    return corpus
