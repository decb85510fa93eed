"""The services check who acts, not only the views: a second adapter cannot skip it."""

import pytest
from django.core.exceptions import PermissionDenied

from qinqing.core.models import AuditEvent
from qinqing.ratings import services
from qinqing.ratings.tests.factories import make_rating


def test_a_handler_cannot_verify_call_back_or_decide_through_the_service(
    district, handler, other_handler
) -> None:
    rect = make_rating(district.dept, 1).rectification
    with pytest.raises(PermissionDenied):
        services.verify_rectification(rect, actor=handler, note="自己核实自己")
    with pytest.raises(PermissionDenied):
        services.file_contest(rect.rating, actor=other_handler, reason="别的部门替人申诉此评价")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).count() == 2
