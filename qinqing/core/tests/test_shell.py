"""The shell every page shares: grouped menus, Chinese error pages and dates, a favicon."""

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

from qinqing.core.nav import NavItem, menus_for, register_nav

pytestmark = pytest.mark.django_db


def test_a_leaders_links_are_grouped_into_a_few_menus(client_for, leader) -> None:  # type: ignore[no-untyped-def]
    menus = menus_for({"leader"}, False)
    assert [m.group.key for m in menus][:2] == ["home", "appeals"]
    assert len(menus) <= 7 < sum(len(m.items) for m in menus)
    page = client_for(leader).get("/").content.decode()
    assert page.count('<details class="navgroup') == sum(1 for m in menus if not m.single)
    assert "诉求办理" in page and "分析决策" in page


def test_apps_registering_the_old_way_land_in_the_group_of_their_namespace() -> None:
    from qinqing.core import nav

    register_nav("Visits", "liaison:visits", ["leader"], 50)
    register_nav("Odd", "accounts:home", ["leader"], 51, group="system")
    try:
        items = {i.url_name + i.group for i in nav._NAV}
        assert "liaison:visitsenterprises" in items and "accounts:homesystem" in items
        with pytest.raises(ValueError, match="unknown navigation group"):
            register_nav("Bad", "x:y", group="nowhere")
    finally:
        nav._NAV[:] = [i for i in nav._NAV if i.label not in {"Visits", "Odd"}]
    assert all(isinstance(i, NavItem) for i in nav._NAV)


@override_settings(DEBUG=True)
def test_not_found_pages_are_chinese_even_while_debugging(client_for, handler) -> None:  # type: ignore[no-untyped-def]
    client = client_for(handler)
    for url in ["/no-such-page/", "/appeals/999999/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode(), url
    # the admin keeps Django's own page
    assert "页面不存在" not in client.get("/admin/no-such-page/").content.decode()


def test_server_errors_show_the_chinese_page_while_debugging(rf, handler) -> None:  # type: ignore[no-untyped-def]
    from qinqing.core.error_pages import ChineseErrorPagesMiddleware

    request = rf.get("/appeals/1/")
    request.user = handler
    middleware = ChineseErrorPagesMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    with override_settings(DEBUG=True):
        response = middleware.process_exception(request, RuntimeError("boom"))
    assert response is not None and response.status_code == 500
    assert "服务器出错" in response.content.decode()
    with override_settings(DEBUG=False):  # production: Django's handler500 renders it
        assert middleware.process_exception(request, RuntimeError("boom")) is None


def test_dates_read_the_chinese_way() -> None:
    moment = timezone.make_aware(dt.datetime(2026, 11, 30, 14, 5))
    rendered = Template(
        '{{ d|date:"DATE_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ d }}'
    ).render(Context({"d": dt.date(2026, 11, 30), "m": moment}))
    assert rendered == "2026年11月30日|11月30日 14:05|2026年11月30日"


def test_date_inputs_get_iso_values() -> None:
    class F(forms.Form):
        on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    html = str(F(initial={"on": dt.date(2026, 11, 1)})["on"])
    assert 'value="2026-11-01"' in html
    assert F({"on": "2026-11-01"}).is_valid()


def test_the_favicon_is_served(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
