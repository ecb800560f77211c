"""A small two-level platform: a city with its portal, a county with its own portal,
departments and a township publishing inside the city's site."""

from dataclasses import dataclass

from gongkai.core.models import Organisation, Site
from gongkai.core.tests.factories import make_org, make_site


@dataclass
class Platform:
    city: Organisation
    education: Organisation
    education_office: Organisation
    township: Organisation
    county: Organisation
    county_dept: Organisation
    city_site: Site
    county_site: Site


def build_platform() -> Platform:
    city = make_org(
        "甲市人民政府",
        kind="government",
        short_name="甲市政府",
        office_name="甲市人民政府办公室政务公开科",
        address="甲市人民路1号",
        office_hours="工作日 9:00-12:00，14:00-17:30",
        phone="0818-2345678",
        fax="0818-2345679",
        email="gk@jia.gov.cn",
        postcode="635000",
    )
    education = make_org(
        "甲市教育局", parent=city, short_name="市教育局", address="甲市文化路8号", phone="0818-1111111"
    )
    education_office = make_org("甲市教育局招生考试办公室", parent=education, email="zk@jia.gov.cn")
    township = make_org("甲市东城街道办事处", parent=city, kind="township", office_hours="工作日 8:30-17:30")
    county = make_org("乙县人民政府", parent=city, kind="government", phone="0818-5555555")
    county_dept = make_org("乙县教育局", parent=county, address="乙县中山路2号")
    city_site = make_site(
        city,
        "jia",
        is_default=True,
        name="甲市人民政府网",
        hosts="www.jia.gov.cn",
        sponsor="甲市人民政府办公室",
        operator="甲市大数据中心",
        site_code="5117000001",
        icp_number="蜀ICP备05000001号",
        police_number="川公网安备 51170202000001号",
        contact="电话：0818-2345678",
    )
    county_site = make_site(county, "yi", name="乙县人民政府网", hosts="www.yi.gov.cn")
    return Platform(city, education, education_office, township, county, county_dept, city_site, county_site)
