import pytest
from django.core.exceptions import ValidationError

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.conftest import District

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(district: District) -> None:
    assert (
        district.window.path == f"/{district.district.pk}/{district.dept.pk}/{district.window.pk}/"
    )
    assert district.window.depth == 2
    assert [o.name for o in district.window.ancestors()] == ["广安区", "经信局", "经信局窗口"]
    assert district.window.division == district.district


def test_moving_a_department_moves_its_windows(district: District) -> None:
    district.dept.parent = district.street
    district.dept.save()
    district.window.refresh_from_db()
    assert district.window.path.startswith(district.street.path)
    assert set(district.street.descendants()) == {district.street, district.dept, district.window}


@pytest.mark.parametrize(
    ("code", "parent_code", "ok"),
    [
        ("511603", None, True),  # a district or county: six digits
        ("51160", None, False),
        ("5116030A", None, False),
        ("511602009", "511602", True),  # a street: the district's six digits and three more
        ("511603001", "511602", False),  # a street code that is not under its district
    ],
)
def test_division_codes_follow_gb_t_2260(
    district: District, code: str, parent_code: str | None, ok: bool
) -> None:
    parent = Organisation.objects.get(code=parent_code) if parent_code else None
    org = Organisation(kind=OrgKind.DIVISION, name="测试", code=code, parent=parent)
    if ok:
        org.full_clean()
    else:
        with pytest.raises(ValidationError):
            org.full_clean()


def test_an_organisation_cannot_be_placed_under_its_own_window(district: District) -> None:
    district.dept.parent = district.window
    with pytest.raises(ValidationError):
        district.dept.full_clean()
