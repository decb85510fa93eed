import random

import polars as pl
import pytest
from stdnum.cn import uscc

from qinqing.enterprises.columns import USCC_ALPHABET, uscc_valid
from qinqing.enterprises.imports import PROFILE_COLUMNS, ProfileValidator
from qinqing.lib.uscc import is_valid_uscc


def test_vectorised_check_character_agrees_with_python_stdnum_on_random_codes() -> None:
    rng = random.Random(32100)
    codes = []
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(8)) + "".join(
            rng.choice(USCC_ALPHABET) for _ in range(9)
        )
        check = uscc.calc_check_digit(body)
        roll = rng.random()
        if roll < 0.5:
            codes.append(body + check)  # valid
        elif roll < 0.8:
            codes.append(body + rng.choice(USCC_ALPHABET.replace(check, "")))  # wrong check
        else:  # wrong shape: letters in the first 8, I/O/S/V/Z, lower case, short
            damaged = list(body + check)
            damaged[rng.randrange(18)] = rng.choice("IOSVZa-x ")
            codes.append("".join(damaged[: rng.choice([17, 18, 18, 19])]))
    ours = pl.DataFrame({"c": codes}).select(uscc_valid(pl.col("c")))["c"].to_list()
    theirs = [uscc.is_valid(code) and code == uscc.compact(code) for code in codes]
    assert ours == theirs
    assert 0.4 < sum(ours) / len(ours) < 0.6  # both kinds were really drawn


def _messy_cell(rng: random.Random, key: str, good: str) -> str:
    return rng.choice(
        [good, good, good, "", " ", "x", "-1", "1e3", "１２", "2024.0", "12.345", "0.5",
         "是", "A", "a b", "a\x1fb", "9" * 20, "511602001", "C3911", "2019/03/01"]
    )  # fmt: skip


@pytest.mark.django_db
def test_column_checks_report_exactly_what_the_row_by_row_check_reports(district) -> None:
    rng = random.Random(7)
    good = {
        "uscc": "", "source": "市场监管", "name": "丁公司", "legal_form": "有限责任公司",
        "registered_on": "2019-03-01", "registered_capital": "100.5", "address": "广安区某路1号",
        "division": "511602001", "industry_code": "C3911", "tax_credit_rating": "A",
        "is_listed": "否", "serious_dishonesty": "否", "contact_name": "张三",
        "contact_phone": "13800000000", "year": "2024", "employees": "12", "rd_staff": "3",
        "revenue": "2500", "total_assets": "12.3", "rd_spending": "0", "tax_paid": "1.25",
        "invention_patents": "1", "utility_patents": "0", "design_patents": "2",
        "software_copyrights": "0",
    }  # fmt: skip
    keys = [key for key, _label in PROFILE_COLUMNS]
    numbers, table = [], {key: [] for key in keys}
    for n in range(600):
        code = uscc.calc_check_digit(f"9151160200000{n % 150:04d}")
        code = f"9151160200000{n % 150:04d}{code}"
        for key in keys:
            cell = code if key == "uscc" else good[key]
            if rng.random() < 0.08:
                cell = _messy_cell(rng, key, cell)
            table[key].append(cell)
        numbers.append(n + 2)
    rows, errors = ProfileValidator().check_table(numbers, table)
    one_by_one = ProfileValidator()
    expected_rows, expected_errors = [], []
    for i, number in enumerate(numbers):
        row, row_errors = one_by_one.check(number, {k: v[i] for k, v in table.items()})
        if row is not None:
            expected_rows.append(row)
        expected_errors.extend(row_errors)
    assert errors == expected_errors
    assert rows == expected_rows
    assert len(errors) > 50 and len(rows) > 100  # both paths were exercised
    assert all(is_valid_uscc(r.uscc) for r in rows)
