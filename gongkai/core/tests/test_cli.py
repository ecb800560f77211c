import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.models import Organisation, RoleAssignment
from gongkai.core.tests.factories import PASSWORD
from gongkai.core.tests.fixtures import Tree


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_orgs_list_json_prints_one_object_per_body(tree: Tree) -> None:
    lines = run("orgs", "list", "--json").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == Organisation.objects.count()
    village = next(r for r in rows if r["name"] == "石桥镇花红村村民委员会")
    assert village == {
        "id": tree.dachuan_village.pk,
        "name": "石桥镇花红村村民委员会",
        "short_name": "",
        "kind": "village",
        "parent_id": tree.dachuan_town.pk,
        "credit_code": None,
    }


def test_orgs_add_with_parent_by_name_and_valid_code(tree: Tree) -> None:
    row = json.loads(
        run(
            "orgs",
            "add",
            "--name",
            "达州市统计局",
            "--kind",
            "department",
            "--parent",
            "达州市人民政府",
            "--credit-code",
            "91350100M000100Y43",
            "--phone",
            "0818-2100000",
        )
    )
    assert row["parent_id"] == tree.city.pk
    assert row["credit_code"] == "91350100M000100Y43"
    assert Organisation.objects.get(pk=row["id"]).phone == "0818-2100000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--credit-code", "12345"], "应为18位"),
        (["--credit-code", "91350100M000100Y44"], "校验位错误"),
        (["--parent", "不存在的机构"], "找不到机构"),
    ],
)
def test_orgs_add_bad_input_exits_non_zero_and_writes_nothing(tree: Tree, args: list[str], message: str) -> None:
    before = Organisation.objects.count()
    with pytest.raises(CommandError, match=message):
        run("orgs", "add", "--name", "达州市统计局", "--kind", "department", *args)
    assert Organisation.objects.count() == before


def test_staff_add_and_grant(tree: Tree) -> None:
    run("staff", "add", "qx_editor", "--password", PASSWORD, "--full-name", "渠县信息员")
    run("staff", "grant", "qx_editor", "--org", "达川区", "--role", "editor", "--descendants")
    assignment = RoleAssignment.objects.get(user__username="qx_editor")
    assert assignment.organisation == tree.dachuan
    assert assignment.include_descendants


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "--org", "达川区", "--role", "editor"], "找不到用户"),
        (["tc_editor", "--org", "达川区", "--role", "boss"], "未知的角色"),
        (["auditor", "--org", "达川区", "--role", "editor"], "三员分立"),
    ],
)
def test_staff_grant_bad_input(tree: Tree, args: list[str], message: str) -> None:
    before = RoleAssignment.objects.count()
    with pytest.raises(CommandError, match=message):
        run("staff", "grant", *args)
    assert RoleAssignment.objects.count() == before
