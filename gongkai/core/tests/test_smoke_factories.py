import pytest

from gongkai.core.tests.factories import make_org, make_site, make_user


@pytest.mark.django_db
def test_factories_build_a_tree_with_a_site_and_a_scoped_user() -> None:
    city = make_org("甲市人民政府", kind="government")
    dept = make_org("甲市教育局", parent=city)
    site = make_site(city, "jia", is_default=True)
    user = make_user("editor1", org=dept, role="editor")
    assert dept.path.startswith(city.path)
    assert site.columns.count() == 5
    assert user.role_assignments.get().organisation == dept
