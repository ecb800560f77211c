"""Seed a small, curated list of wording rules: frequent misspellings of official
terms (homophone slips of the 拼音 input method) and official names made outdated by
the 2018 and 2023 State Council institutional reforms. Administrators extend it in
the admin. The data is copied here, not imported, so that the migration stays as it
was when it ran."""

from django.db import migrations

# (term, category, severity, suggestion, note)
RULES = [
    ("中华人名共和国", "misspelling", "block", "中华人民共和国", "国名错字"),
    ("中华人民共合国", "misspelling", "block", "中华人民共和国", "国名错字"),
    ("中化人民共和国", "misspelling", "block", "中华人民共和国", "国名错字"),
    ("国务院办公听", "misspelling", "block", "国务院办公厅", "机构名称错字"),
    ("国务院办工厅", "misspelling", "block", "国务院办公厅", "机构名称错字"),
    ("国务院办公室", "serious_error", "block", "国务院办公厅", "机构名称错误：国务院设办公厅，不设办公室"),
    ("社会主意", "misspelling", "block", "社会主义", "同音错字"),
    ("中国人民政治协商会义", "misspelling", "block", "中国人民政治协商会议", "机构名称错字"),
    ("政府信息公开条列", "misspelling", "block", "政府信息公开条例", "法规名称错字"),
    ("行政复意", "misspelling", "warn", "行政复议", "同音错字"),
    ("国家发展与改革委员会", "serious_error", "block", "国家发展和改革委员会", "机构名称错误"),
    ("全国人大常务委员会", "serious_error", "warn", "全国人民代表大会常务委员会（全国人大常委会）", "机构名称不规范"),
    ("国家工商行政管理总局", "serious_error", "warn", "国家市场监督管理总局", "2018年国务院机构改革后不再保留"),
    ("国家质量监督检验检疫总局", "serious_error", "warn", "国家市场监督管理总局", "2018年国务院机构改革后不再保留"),
    (
        "国家食品药品监督管理总局",
        "serious_error",
        "warn",
        "国家市场监督管理总局（药品监管：国家药品监督管理局）",
        "2018年国务院机构改革后不再保留",
    ),
    ("国家卫生和计划生育委员会", "serious_error", "warn", "国家卫生健康委员会", "2018年国务院机构改革后不再保留"),
    ("国家安全生产监督管理总局", "serious_error", "warn", "应急管理部", "2018年国务院机构改革后不再保留"),
    ("中国银行保险监督管理委员会", "serious_error", "warn", "国家金融监督管理总局", "2023年党和国家机构改革后不再保留"),
]


def seed(apps, schema_editor):
    WordingRule = apps.get_model("screening", "WordingRule")
    for term, category, severity, suggestion, note in RULES:
        WordingRule.objects.update_or_create(
            term=term,
            defaults={"category": category, "severity": severity, "suggestion": suggestion, "note": note},
        )


def unseed(apps, schema_editor):
    WordingRule = apps.get_model("screening", "WordingRule")
    WordingRule.objects.filter(term__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
