"""The column reader (Polars for a plain CSV) gives exactly the rows and row numbers the
row reader (the csv module) gives, so error reports name the same rows."""

import io

import pytest

from qinqing.enterprises.imports.reading import map_header, read_columns, read_table
from qinqing.enterprises.models import ImportJob

HEADER = "统一社会信用代码,数据来源,企业名称,年度,从业人员"
TEXTS = [
    HEADER + "\nA,市场监管,丁公司,2024,1\nB,统计,戊公司,2024,2\n",
    HEADER
    + "\r\nA,市场监管,丁公司,2024,1\r\n\r\nB,统计,戊公司\r\n,,,,\r\nC,税务, 己\u3000公司 ,,\r\n",
    HEADER + ",\nA,市场监管,丁公司,2024,1,\n\n\n  ,  ,\nB,统计,戊公司,2024,2,",
    HEADER + '\nA,市场监管,"丁,公司",2024,1\n"B",统计,"戊""公司",2024,2\n',  # quoted
    HEADER + "\nA,市场监管,丁公司,2024,1,extra,cells\nB,统计\n",  # longer rows
    HEADER + "\nA,市场监管,丁\x1f公司,2024,1\nB,统计,戊公司,2024,2\n",  # what strip differs on
    "数据来源,统一社会信用代码\n市场监管,A\n",
]


def _by_rows(text: str) -> tuple[list[int], dict[str, list[str]]]:
    header, body = read_table(io.BytesIO(text.encode()), "f.csv")
    positions = map_header(header, ImportJob.Kind.PROFILES)
    numbers, table = [], {key: [] for key in positions}
    for number, cells in body:
        numbers.append(number)
        for key, i in positions.items():
            table[key].append(cells[i] if i < len(cells) else "")
    return numbers, table


@pytest.mark.parametrize("text", TEXTS)
def test_the_column_reader_reads_what_the_row_reader_reads(text: str) -> None:
    numbers, columns = read_columns(io.BytesIO(text.encode()), "f.csv", ImportJob.Kind.PROFILES)
    expected_numbers, expected = _by_rows(text)
    assert numbers.to_list() == expected_numbers
    assert {key: column.to_list() for key, column in columns.items()} == expected
