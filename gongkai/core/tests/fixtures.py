"""A small four-level tree with two counties, built through the services."""

from dataclasses import dataclass

import pytest

from gongkai.core.models import Organisation, OrganisationKind, Role, User
from gongkai.core.tests.factories import make_org, make_site, make_user


@dataclass
class Tree:
    city: Organisation
    city_dept: Organisation
    tongchuan: Organisation
    tongchuan_dept: Organisation
    dachuan: Organisation
    dachuan_dept: Organisation
    dachuan_town: Organisation
    dachuan_village: Organisation
    tc_editor: User
    tc_officer: User
    dc_officer: User
    sysadmin: User
    secadmin: User
    auditor: User
    supervisor: User


@pytest.fixture
def tree(db: None) -> Tree:
    city = make_org("达州市人民政府", kind=OrganisationKind.GOVERNMENT)
    city_dept = make_org("达州市教育局", parent=city)
    tongchuan = make_org("达州市通川区人民政府", short_name="通川区", parent=city, kind=OrganisationKind.GOVERNMENT)
    tongchuan_dept = make_org("达州市通川区教育局", parent=tongchuan)
    dachuan = make_org("达州市达川区人民政府", short_name="达川区", parent=city, kind=OrganisationKind.GOVERNMENT)
    dachuan_dept = make_org("达州市达川区教育局", parent=dachuan)
    dachuan_town = make_org("达州市达川区石桥镇人民政府", parent=dachuan, kind=OrganisationKind.TOWNSHIP)
    dachuan_village = make_org("石桥镇花红村村民委员会", parent=dachuan_town, kind=OrganisationKind.VILLAGE)
    make_site(city, "dazhou", is_default=True, hosts="www.dazhou.test")
    make_site(tongchuan, "tongchuan", hosts="tc.dazhou.test")
    make_site(dachuan, "dachuan", hosts="dc.dazhou.test")
    return Tree(
        city=city,
        city_dept=city_dept,
        tongchuan=tongchuan,
        tongchuan_dept=tongchuan_dept,
        dachuan=dachuan,
        dachuan_dept=dachuan_dept,
        dachuan_town=dachuan_town,
        dachuan_village=dachuan_village,
        tc_editor=make_user("tc_editor", org=tongchuan, role=Role.EDITOR, descendants=True),
        tc_officer=make_user("tc_officer", org=tongchuan, role=Role.OFFICE_OFFICER),
        dc_officer=make_user("dc_officer", org=dachuan, role=Role.OFFICE_OFFICER),
        sysadmin=make_user("sysadmin", org=city, role=Role.SYSTEM_ADMIN, descendants=True),
        secadmin=make_user("secadmin", org=city, role=Role.SECURITY_ADMIN, descendants=True),
        auditor=make_user("auditor", org=city, role=Role.AUDIT_ADMIN, descendants=True),
        supervisor=make_user("supervisor", org=city, role=Role.SUPERVISOR, descendants=True),
    )
