from gongkai.supervision.units import resolve, split_units

from .factories import offline_directory


def test_split_keeps_brackets_and_drops_qualifiers() -> None:
    assert split_units("市发展改革委、市经信局等部门，各县（市、区）人民政府、达州高新区管委会。") == [
        "市发展改革委",
        "市经信局",
        "各县（市、区）人民政府",
        "达州高新区管委会",
    ]
    assert split_units("市民政局等部门（单位），各县(市、区)人民政府") == ["市民政局", "各县（市、区）人民政府"]
    assert split_units("市生态环境局等相关部门") == ["市生态环境局"]
    assert split_units("市国资委等") == ["市国资委"]
    assert split_units("市政府信息公开管理中心等市级有关部门") == ["市政府信息公开管理中心"]
    assert split_units("市发展改革委等市级相关部门（单位）") == ["市发展改革委"]


def test_classes_expand_and_names_resolve() -> None:
    directory = offline_directory()
    result = resolve("市政府办公室及其他市政府工作部门，各县（市、区）人民政府", directory)
    names = [u.name for u in result.units]
    assert names[0] == "市政府办公室"
    assert len(names) == 1 + 31 + 7
    assert names[-7:] == ["通川区", "达川区", "万源市", "宣汉县", "大竹县", "渠县", "开江县"]
    assert not result.errors and not result.warnings


def test_government_names_resolve_by_short_name() -> None:
    result = resolve("达川区、万源市人民政府。", offline_directory())
    assert [(u.name, u.source) for u in result.units] == [("达川区", "达川区"), ("万源市", "万源市人民政府")]


def test_a_body_named_twice_is_kept_once() -> None:
    result = resolve("市政府工作部门，市教育局，市教育局", offline_directory())
    assert [u.name for u in result.units].count("市教育局") == 1
    assert len(result.units) == 31


def test_a_class_is_kept_as_text_and_flagged() -> None:
    result = resolve("市审计局、被审计市级部门（单位）", offline_directory())
    assert [(u.name, u.org_id is None, u.flagged) for u in result.units] == [
        ("市审计局", False, False),
        ("被审计市级部门（单位）", True, True),
    ]
    assert result.warnings == ["责任单位“被审计市级部门（单位）”指一类单位而非具体机构，已保留原文，待公开办确认。"]


def test_an_unknown_name_is_an_error() -> None:
    result = resolve("市教育局、市宇宙开发局", offline_directory())
    assert result.errors == ["责任单位“市宇宙开发局”没有对应的机构。"]
    assert [u.name for u in result.units] == ["市教育局"]
