"""read_drop: good files of every kind parse to typed values; bad ones are refused whole, with where and why."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl
import pytest
from drop_cases import CASES, Case

from indicator_pipeline.filedrop import FileRejected, read_drop


def rejection(path) -> str:
    with pytest.raises(FileRejected) as info:
        read_drop(path)
    return str(info.value)


def typed_rows(drop) -> list[dict]:
    return drop.frame.drop("source_file", "raw_sha256").to_dicts()


# --- good files -------------------------------------------------------------------------------


def test_good_csv_parses_to_typed_values(case: Case, write_csv):
    drop = read_drop(write_csv(f"{case.kind}_2025.csv", case.csv_text()))

    assert drop.kind == case.kind
    assert typed_rows(drop) == case.expected
    assert drop.frame.schema["year"] == pl.Int64
    assert drop.frame.schema["preliminary"] == pl.Boolean
    assert drop.frame["source_file"].unique().to_list() == [f"{case.kind}_2025.csv"]
    assert drop.frame["raw_sha256"].unique().to_list() == [drop.sha256]


def test_good_xlsx_parses_to_typed_values(case: Case, write_xlsx):
    """Excel stores typed numbers as numbers; the header may be written in another case."""
    header, *rows = case.excel_rows()
    rows.insert(0, [name.upper() for name in header])
    drop = read_drop(write_xlsx(f"{case.kind}.xlsx", rows))
    assert typed_rows(drop) == case.expected


def test_xlsx_numbers_as_text_with_decimal_comma_and_real_dates(write_xlsx):
    path = write_xlsx(
        "sellable_land.xlsx",
        [["year", "area", "hectares", "reported_on"], ["2024", "Vasatorp", "1 012,25", datetime(2025, 3, 3)]],
    )
    [row] = typed_rows(read_drop(path))
    assert (row["year"], row["hectares"], row["reported_on"].isoformat()) == (2024, 1012.25, "2025-03-03")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(write_csv, encoding):
    text = CASES["safety_survey"].csv_text()
    drop = read_drop(write_csv("safety_survey.csv", text, encoding))
    assert drop.frame["key_figure"][0] == "Trygghet i Söder"
    assert drop.frame["respondent_group"].to_list() == ["invånare", "företag", "invånare"]


def test_header_is_case_and_whitespace_insensitive_and_columns_may_be_reordered(write_csv):
    path = write_csv("self_build_plots.csv", " Self Build  Starts ;YEAR\r\n7;2024\r\n\r\n;\r\n")
    assert typed_rows(read_drop(path)) == [
        {"year": 2024, "self_build_starts": 7, "plots_sold": None, "preliminary": False, "reported_on": None}
    ]


def test_allowed_values_match_case_insensitively_and_are_stored_as_defined(write_csv):
    path = write_csv("financial_statements.csv", "year;line_id;line;amount_mnkr\n2024;Tax_Revenue;Skatt;1\n")
    assert read_drop(path).frame["line_id"].to_list() == ["tax_revenue"]


# --- bad files, every kind ----------------------------------------------------------------------


def test_missing_required_column_is_named(case: Case, write_csv):
    header = [name for name in case.header if name != case.number_column]
    text = ";".join(header) + "\n" + "\n".join(";".join("1" for _ in header) for _ in case.rows)
    message = rejection(write_csv(f"{case.kind}.csv", text))
    assert message.startswith(f"{case.kind}.csv row 1: missing required columns: {case.number_column}")


def test_unknown_column_is_named(case: Case, write_csv):
    text = case.csv_text().replace("\n", ";x\n").replace(case.header[-1] + ";x", case.header[-1] + ";Kommentar", 1)
    assert f"{case.kind}.csv row 1: unknown columns: 'Kommentar'" in rejection(write_csv(f"{case.kind}.csv", text))


def test_text_in_a_number_column(case: Case, write_csv):
    text = case.with_cell(1, case.number_column, "tolv").csv_text()
    message = rejection(write_csv(f"{case.kind}_2025.csv", text))
    assert message == f"{case.kind}_2025.csv row 3, column {case.number_column}: 'tolv' is not a number"


def test_duplicate_key_names_both_rows(case: Case, write_csv):
    text = case.csv_text() + ";".join(case.rows[0]) + "\n"
    message = rejection(write_csv(f"{case.kind}.csv", text))
    assert message.startswith(f"{case.kind}.csv row {len(case.rows) + 2}: duplicate key year=")
    assert message.endswith("(also in row 2)")


def test_year_outside_range(case: Case, write_csv):
    text = case.with_cell(0, "year", "1889").csv_text()
    message = rejection(write_csv(f"{case.kind}.csv", text))
    assert message == (
        f"{case.kind}.csv row 2, column year: '1889' is out of range: it must be at least 1990 and at most 2100"
    )


def test_utf16_is_refused_clearly(case: Case, write_csv):
    message = rejection(write_csv(f"{case.kind}.csv", case.csv_text(), "utf-16"))
    assert message.startswith(f"{case.kind}.csv: the file contains NUL bytes (UTF-16")


def test_bytes_that_are_neither_utf8_nor_cp1252(case: Case, landing):
    path = landing / f"{case.kind}.csv"
    path.write_bytes(case.csv_text().encode("cp1252") + b"\x81\n")
    assert "neither UTF-8 nor Windows-1252 text (byte 0x81" in rejection(path)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\r\n;;\r\n", "the file is empty"),
        (None, "the file has a header row but no data rows"),
    ],
)
def test_empty_files(case: Case, landing, body, problem):
    path = landing / f"{case.kind}.csv"
    path.write_bytes(body if body is not None else (";".join(case.header) + "\n").encode())
    assert rejection(path) == f"{case.kind}.csv: {problem}"


def test_bad_xlsx_cells_are_located_like_csv_ones(case: Case, write_xlsx):
    rows = case.with_cell(1, case.number_column, "tolv").excel_rows()
    assert rejection(write_xlsx(f"{case.kind}.xlsx", rows)) == (
        f"{case.kind}.xlsx row 3, column {case.number_column}: 'tolv' is not a number"
    )


# --- single rules -------------------------------------------------------------------------------


PLOTS = "self_build_plots.csv", "year;self_build_starts\n2024;"
LAND = "sellable_land.csv", "year;area;hectares"
SAFETY = "safety_survey.csv", "year;key_figure_id;key_figure;respondent_group;value;unit\n2024;A;B;"


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        (PLOTS, "-3", " row 2, column self_build_starts: '-3' is out of range: it must be at least 0"),
        (PLOTS, "2,5", " row 2, column self_build_starts: '2,5' is not a whole number"),
        (PLOTS, "-", " row 2, column self_build_starts: a value is required, got '-'"),
        (PLOTS, "", " row 2, column self_build_starts: a value is required"),
        (LAND, "\n2024;Vasatorp;-0,5", " row 2, column hectares: '-0,5' is out of range: it must be at least 0"),
        (LAND, "\n2024;Vasatorp;12.5", " row 2, column hectares: '12.5' is not a number (use a decimal comma"),
        (SAFETY, "kommun;1;percent", " row 2, column respondent_group: 'kommun' is not one of invånare, företag"),
        (SAFETY, "företag;1;procent", " row 2, column unit: 'procent' is not one of percent, index"),
        (("financial_statements.csv", "year;line_id;line;amount_mnkr\n"), "2024;depreciation;Avskrivningar;1",
         " row 2, column line_id: 'depreciation' is not one of tax_revenue, "),
        (LAND, ";preliminary\n2024;Vasatorp;1;kanske", " row 2, column preliminary: 'kanske' is not ja or nej"),
        (LAND, ";reported_on\n2024;Vasatorp;1;3 mors 2025", " row 2, column reported_on: '3 mors 2025' is not a date"),
        (LAND, ";year\n2024;Vasatorp;1;2024", " row 1, column D: column year appears twice"),
        (LAND, ";\n2024;Vasatorp;1;7", " row 2, column D: '7' stands in a column without a header"),
        (("sellable_land.csv", "\n"), "year;area;hectares\n2024;Vasatorp;1", ": row 1 is empty, but the header"),
    ],
)
def test_rule_violations(write_csv, file, text, expected):
    """`file` is (name, start of the text); `text` completes it."""
    name, start = file
    assert rejection(write_csv(name, start + text + "\n")).startswith(name + expected)


def test_comma_separated_csv_is_refused_with_the_reason(write_csv):
    message = rejection(write_csv("sellable_land.csv", "year,area,hectares\n2024,Vasatorp,1\n"))
    assert message == (
        "sellable_land.csv: columns must be separated by ';' (as Swedish Excel saves CSV); "
        "the header is 'year,area,hectares'"
    )


def test_a_file_whose_name_has_no_kind(write_csv):
    message = rejection(write_csv("budget_2025.csv", "year;x\n2024;1\n"))
    assert re.match(r"budget_2025\.csv: the file name must start with one of safety_survey, financial_", message)


def test_a_corrupt_xlsx(landing):
    path = landing / "sellable_land.xlsx"
    path.write_bytes(b"not a zip file")
    assert rejection(path).startswith("sellable_land.xlsx: the file is not a readable .xlsx workbook (BadZipFile")
