import pytest
from django.test import Client

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord
from gongkai.core.tests.fixtures import Tree
from gongkai.screening import services
from gongkai.screening.detectors import screen_text
from gongkai.screening.models import WordingRule
from gongkai.screening.selectors import active_wording_terms, screen_context


def test_seeded_rules_are_there_and_apply(db: None) -> None:
    assert WordingRule.objects.filter(term="中华人名共和国", severity="block").exists()
    findings = screen_text("根据《中华人名共和国政府信息公开条例》", context=screen_context())
    assert [(f.kind, f.rule) for f in findings] == [("wording", "wording.misspelling:中华人民共和国")]


def test_wording_rule_save_creates_updates_and_audits(tree: Tree) -> None:
    rule = services.wording_rule_save(
        actor=tree.sysadmin, term=" 某敏感词 ", category="sensitive", severity="warn", suggestion=""
    )
    assert rule.term == "某敏感词"
    record = AuditRecord.objects.get(action="wording_rule.create")
    assert record.actor == tree.sysadmin and record.changes["term"] == [None, "某敏感词"]
    services.wording_rule_save(
        actor=tree.sysadmin, rule=rule, term="某敏感词", category="sensitive", severity="block", is_active=False
    )
    update = AuditRecord.objects.get(action="wording_rule.update")
    assert update.changes == {"is_active": [True, False], "severity": ["warn", "block"]}
    assert "某敏感词" not in {t.term for t in active_wording_terms()}


def test_wording_rule_save_checks(tree: Tree) -> None:
    with pytest.raises(NotPermitted):
        services.wording_rule_save(actor=tree.tc_editor, term="x", category="sensitive", severity="warn")
    with pytest.raises(DomainError, match="已有规则"):
        services.wording_rule_save(actor=None, term="社会主意", category="misspelling", severity="block")
    with pytest.raises(DomainError, match="类别"):
        services.wording_rule_save(actor=None, term="y", category="other", severity="block")
    with pytest.raises(DomainError, match="不能为空"):
        services.wording_rule_save(actor=None, term="  ", category="sensitive", severity="block")


def test_admin_saves_through_the_service(tree: Tree, client: Client) -> None:
    client.force_login(tree.sysadmin)
    assert client.get("/admin/screening/wordingrule/").status_code == 200
    response = client.post(
        "/admin/screening/wordingrule/add/",
        {"term": "国家旅游局", "category": "serious_error", "severity": "warn", "suggestion": "文化和旅游部",
         "note": "2018年机构改革", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert WordingRule.objects.get(term="国家旅游局").suggestion == "文化和旅游部"
    assert AuditRecord.objects.filter(action="wording_rule.create", actor=tree.sysadmin).exists()


def test_admin_is_closed_to_other_roles(tree: Tree, client: Client) -> None:
    client.force_login(tree.tc_editor)
    assert client.get("/admin/screening/wordingrule/").status_code in (302, 403)


def test_screen_context_ignores_the_bodys_own_contact_data(tree: Tree) -> None:
    org = tree.tongchuan
    org.phone = "0818-2371234"
    org.fax = "0818-2371235"
    org.address = "达州市通川区朝阳东路88号5栋2单元301室"
    org.email = "tc@dazhou.gov.cn"
    org.save()
    text = "电话：0818-2371234，传真：0818-2371235，地址：达州市通川区朝阳东路88号5栋2单元301室，邮箱 tc@dazhou.gov.cn"
    assert screen_text(text, context=screen_context(organisation=org)) == []
    assert len(screen_text(text, context=screen_context())) == 4
