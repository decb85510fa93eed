"""The policy services check who acts, not only the views (issue 15)."""

import pytest
from django.core.exceptions import PermissionDenied

from qinqing.policies import services
from qinqing.policies.models import PolicyDocument

pytestmark = pytest.mark.django_db


def test_only_policy_officers_write_the_library_through_the_services(
    handler, policy_officer
) -> None:
    with pytest.raises(PermissionDenied) as denied:
        services.save_document(PolicyDocument(title="冒充的政策"), actor=handler)
    assert denied.value.audit_row.user == handler  # type: ignore[attr-defined]
    assert not PolicyDocument.objects.exists()
    saved = services.save_document(PolicyDocument(title="稳岗补贴政策"), actor=policy_officer)
    assert saved.pk is not None
