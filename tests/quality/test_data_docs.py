"""`indicator-pipeline data-docs`: GX's own HTML site for the latest validation a warehouse recorded, one
validation page per suite of that run (and the suite's page), in a throw-away GX project."""

from __future__ import annotations

import duckdb

from indicator_pipeline.cli import main


def test_data_docs_show_every_validation_of_the_latest_run(bundled_refresh, tmp_path, capsys):
    out = tmp_path / "docs"
    assert main(["data-docs", "--warehouse", str(bundled_refresh.path), "--out", str(out)]) == 0
    index = out / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert capsys.readouterr().out.strip() == str(index) and index.is_file()
    with duckdb.connect(str(bundled_refresh.path), read_only=True) as con:
        recorded = con.execute(
            "SELECT run_id, suite FROM meta.validation_run WHERE run_id = "
            "(SELECT run_id FROM meta.validation_run ORDER BY validated_at DESC LIMIT 1)"
        ).fetchall()
    [run_id] = {run for run, _ in recorded}
    suites = {suite for _, suite in recorded}
    assert len(suites) >= 9
    site = index.parent
    pages = {p.relative_to(site / "validations").parts[:2] for p in (site / "validations").rglob("*.html")}
    assert pages == {(suite, run_id) for suite in suites}  # one page per suite, all of the recorded run
    assert {p.stem for p in (site / "expectations").glob("*.html")} == suites
    listing = index.read_text(encoding="utf-8")
    assert all(suite in listing for suite in suites)


def test_data_docs_of_a_warehouse_without_validations_say_so(tmp_path, capsys):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["data-docs", "--warehouse", str(empty), "--out", str(tmp_path / "docs")]) == 1
    assert f"no recorded validation in {empty}" in capsys.readouterr().err
