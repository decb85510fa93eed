"""Downloading an enterprise's files: its own users and the handling department may, anyone
else gets 404 and the attempt is audited; files go out as attachments with a safe name."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qinqing.catalog import services
from qinqing.catalog.downloads import download_name
from qinqing.catalog.models import MatterMaterial
from qinqing.catalog.tests.factories import make_item
from qinqing.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 test"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def licence(enterprise_a, enterprise_user_a):
    return services.upload_certificate(
        enterprise_a,
        actor=enterprise_user_a,
        kind="business_licence",
        number="91511602MA01",
        valid_to=dt.date(2040, 1, 1),
        file=SimpleUploadedFile('营业执照"<x>.PDF', PDF, content_type="application/pdf"),
    )


@pytest.fixture
def matter(district, enterprise_user_a, licence):
    item = make_item(
        district.dept,
        materials=[("营业执照", "business_licence"), ("食品安全管理制度", "")],
    )
    return services.apply_for_item(
        item,
        actor=enterprise_user_a,
        uploads={"name:食品安全管理制度": SimpleUploadedFile("rules.html", b"<script>x</script>")},
    )


def get(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def rows(matter):
    return {r.material.name: r for r in MatterMaterial.objects.filter(matter=matter)}


def test_the_enterprise_downloads_its_certificate_as_an_attachment(licence, enterprise_user_a):
    response = get(enterprise_user_a, reverse("catalog:certificate_file", args=[licence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition
    assert '"<' not in disposition and "\n" not in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_uploaded_html_file_is_never_served_as_html(matter, enterprise_user_a, handler):
    row = rows(matter)["食品安全管理制度"]
    for user in (enterprise_user_a, handler):
        response = get(user, reverse("catalog:material_file", args=[matter.pk, row.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")


def test_the_handling_department_downloads_the_certificate_a_matter_took(matter, licence, handler):
    row = rows(matter)["营业执照"]
    assert row.state == MatterMaterial.State.ON_FILE and row.certificate == licence
    assert (
        get(handler, reverse("catalog:material_file", args=[matter.pk, row.pk])).status_code == 200
    )
    assert get(handler, reverse("catalog:certificate_file", args=[licence.pk])).status_code == 200


@pytest.mark.parametrize("who", ["enterprise_user_b", "other_handler", "supervisor", "intake"])
def test_everyone_else_is_refused_and_audited(request, who, matter, licence):
    user = request.getfixturevalue(who)
    row = rows(matter)["食品安全管理制度"]
    for url in (
        reverse("catalog:certificate_file", args=[licence.pk]),
        reverse("catalog:material_file", args=[matter.pk, row.pk]),
    ):
        assert get(user, url).status_code == 404
    denied = AuditEvent.objects.filter(kind="denied", user=user)
    assert {e.detail["action"] for e in denied} == {
        "catalog:download_certificate",
        "catalog:download_material",
    }


def test_anonymous_visitors_are_sent_to_log_in(licence):
    response = get(None, reverse("catalog:certificate_file", args=[licence.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_material_of_another_matter_is_not_found(matter, enterprise_user_a):
    row = rows(matter)["食品安全管理制度"]
    url = reverse("catalog:material_file", args=[matter.pk + 999, row.pk])
    assert get(enterprise_user_a, url).status_code == 404


def test_download_names_carry_no_path_quotes_or_control_characters() -> None:
    assert download_name('../../etc/"passwd"\r\n', "x/y/file.PDF") == "etc passwd.pdf"
    assert download_name("营业执照", "certificates/2026/11/a.exe.pdf") == "营业执照.pdf"
    assert download_name("", "noext") == "material"
    assert download_name("a", "b.verylongextension") == "a"


@pytest.mark.parametrize(("who", "links"), [("supervisor", False), ("handler", True)])
def test_the_matter_page_offers_download_links_only_to_who_may_download(
    request, who, links, matter
):
    row = rows(matter)["食品安全管理制度"]
    page = get(request.getfixturevalue(who), reverse("catalog:matter", args=[matter.pk]))
    assert page.status_code == 200
    url = reverse("catalog:material_file", args=[matter.pk, row.pk])
    assert (url in page.content.decode()) is links
