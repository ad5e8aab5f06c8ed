"""Valid example data per kind, as people type it, and the typed values it must give."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Case:
    """One valid file of a kind: header and rows as a person types them, and the typed result."""

    kind: str
    header: list[str]
    rows: list[list[str]]
    expected: list[dict]
    number_column: str  # a required number column, for "text in a number column"

    def with_cell(self, row: int, column: str, value: str) -> Case:
        """A copy with data row `row` (0-based) changed in `column`."""
        rows = [list(cells) for cells in self.rows]
        rows[row][self.header.index(column)] = value
        return replace(self, rows=rows)

    def excel_rows(self) -> list[list]:
        """The rows as typed into Excel: numbers become numbers, empty cells None."""
        return [list(self.header)] + [[excel_cell(cell) for cell in row] for row in self.rows]

    def csv_text(self) -> str:
        return "\n".join(";".join(row) for row in [self.header, *self.rows]) + "\n"


CASES = {
    case.kind: case
    for case in [
        Case(
            "safety_survey",
            ["year", "key_figure_id", "key_figure", "respondent_group", "value", "unit", "preliminary"],
            [
                ["2024", "HBG_TRYGG_SODER", "Trygghet i Söder", "invånare", "61,5", "percent", "ja"],
                ["2024", "HBG_TRYGG_SODER", "Trygghet i Söder", "företag", "1 234,5", "index", ""],
                ["2023", "HBG_TRYGG_SODER", "Trygghet i Söder", "invånare", "-0,25", "percent", "nej"],
            ],
            [
                {"year": 2024, "key_figure_id": "HBG_TRYGG_SODER", "key_figure": "Trygghet i Söder",
                 "respondent_group": "invånare", "value": 61.5, "unit": "percent", "preliminary": True,
                 "reported_on": None},
                {"year": 2024, "key_figure_id": "HBG_TRYGG_SODER", "key_figure": "Trygghet i Söder",
                 "respondent_group": "företag", "value": 1234.5, "unit": "index", "preliminary": False,
                 "reported_on": None},
                {"year": 2023, "key_figure_id": "HBG_TRYGG_SODER", "key_figure": "Trygghet i Söder",
                 "respondent_group": "invånare", "value": -0.25, "unit": "percent", "preliminary": False,
                 "reported_on": None},
            ],
            "value",
        ),
        Case(
            "financial_statements",
            ["year", "line_id", "line", "amount_mnkr", "reported_on"],
            [
                ["2024", "tax_revenue", "Skatteintäkter", "9\u00a0876,5", "3 mars 2025"],
                ["2024", "result", "Årets resultat", "-12,3", "2025-03-03"],
            ],
            [
                {"year": 2024, "line_id": "tax_revenue", "line": "Skatteintäkter", "amount_mnkr": 9876.5,
                 "preliminary": False, "reported_on": date(2025, 3, 3)},
                {"year": 2024, "line_id": "result", "line": "Årets resultat", "amount_mnkr": -12.3,
                 "preliminary": False, "reported_on": date(2025, 3, 3)},
            ],
            "amount_mnkr",
        ),
        Case(
            "self_build_plots",
            ["year", "self_build_starts", "plots_sold", "preliminary"],
            [["2023", "41", "38", "nej"], ["2024", "52", "-", "ja"]],
            [
                {"year": 2023, "self_build_starts": 41, "plots_sold": 38, "preliminary": False, "reported_on": None},
                {"year": 2024, "self_build_starts": 52, "plots_sold": None, "preliminary": True, "reported_on": None},
            ],
            "self_build_starts",
        ),
        Case(
            "sellable_land",
            ["year", "area", "hectares"],
            [["2024", "Vasatorp", "12,5"], ["2024", "Långeberga", "0"], ["2025", "Vasatorp", "3"]],
            [
                {"year": 2024, "area": "Vasatorp", "hectares": 12.5, "preliminary": False, "reported_on": None},
                {"year": 2024, "area": "Långeberga", "hectares": 0.0, "preliminary": False, "reported_on": None},
                {"year": 2025, "area": "Vasatorp", "hectares": 3.0, "preliminary": False, "reported_on": None},
            ],
            "hectares",
        ),
    ]
}


def excel_cell(text: str) -> object:
    """What Excel stores when the text is typed into a cell: a number if it looks like one."""
    try:
        number = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return text or None
    return int(number) if number.is_integer() else number
