"""The registry's services check who acts, not only the views (issue 15)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from qinqing.enterprises import services
from qinqing.enterprises.models import Pool, Source

pytestmark = pytest.mark.django_db


def test_only_registry_officers_keep_the_registry_through_the_services(
    enterprise_a, handler, policy_officer
) -> None:
    pool = Pool.objects.create(name="规上企业")
    refused = [
        lambda: services.set_tags(enterprise_a, actor=handler, names=["重点"]),
        lambda: services.enter_pool(
            enterprise_a, actor=handler, pool=pool, on=dt.date(2026, 1, 1), reason="达标"
        ),
        lambda: services.record_profile(
            enterprise_a.uscc, source=Source.MARKET, actor=handler, values={"name": "改名"}
        ),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied) as denied:
            call()
        assert denied.value.audit_row.user == handler  # type: ignore[attr-defined]
    assert services.set_tags(enterprise_a, actor=policy_officer, names=["重点"]) == ["重点"]


def test_an_enterprise_corrects_only_its_own_facts(enterprise_a, enterprise_user_b) -> None:
    with pytest.raises(PermissionDenied):
        services.submit_correction(
            enterprise_a, actor=enterprise_user_b, field_name="contact_name", value="冒名"
        )
