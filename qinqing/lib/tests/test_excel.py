"""Cells that leave the system in a spreadsheet are text, never formulas, and always legal."""

import io

import pytest
from openpyxl import load_workbook

from qinqing.lib.excel import safe_cell, xlsx_bytes


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","点我")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_formula_like_text_is_written_as_text(text: str) -> None:
    data = xlsx_bytes("表", ["标题"], [[text]])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s"
    # (a CR reads back as LF: the file format normalises line ends)
    assert cell.value[0] == "'" and cell.value[1:].strip() == text.strip()


def test_plain_numbers_and_ordinary_text_are_unchanged() -> None:
    assert safe_cell("-12.5") == "-12.5"
    assert safe_cell("厂区停电-三天") == "厂区停电-三天"
    assert safe_cell(-3) == -3
    assert safe_cell(None) is None


def test_control_characters_are_dropped_instead_of_breaking_the_file() -> None:
    data = xlsx_bytes("表", ["标题"], [["停电\x07三天\x00", "第一行\n第二行\t完"]])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    assert row == ("停电三天", "第一行\n第二行\t完")
