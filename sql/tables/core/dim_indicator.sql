-- Every indicator of the plan file: unit, decimals, direction, source, series breaks, reconciliation and
-- publication rhythm (titles are the plan's, per row).

CREATE TABLE IF NOT EXISTS core.dim_indicator (
    plan_id             VARCHAR NOT NULL,
    indicator_id        VARCHAR NOT NULL,
    title               VARCHAR NOT NULL,
    unit                VARCHAR NOT NULL,
    decimals            INTEGER NOT NULL,
    direction           VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    source_id           VARCHAR,
    source_title        VARCHAR,
    source_selection    VARCHAR,           -- which cells of a source table: sorted 'k=v;k=v' (SCB)
    attribution         VARCHAR,
    series_break_years  INTEGER[],
    break_note          VARCHAR,
    note                VARCHAR,
    reconcile_with      VARCHAR,           -- a published series this one is reconciled with
    reconcile_tolerance DOUBLE,            -- in the indicator's unit: how far the difference may be from the expected one
    reconcile_kind      VARCHAR,           -- 'agree' (expected difference 0) or 'by_design' (the definitions differ on purpose)
    reconcile_reason    VARCHAR,           -- why the two differ (every by_design reconciliation has one)
    reconcile_expected_difference DOUBLE,  -- by_design: own - published expected; NULL = nothing expected of it
    year_from_periods   VARCHAR,           -- sub-year periods to a year: sum (a flow) | last (a stock) | mean
    preliminary_periods INTEGER,           -- the latest N published periods are preliminary (the source revises them)
    publication_lag_days INTEGER,          -- days after a year ends until its figure is normally out
    formula             VARCHAR,           -- computed measures: the plan's formula over the inputs source_id names
    formula_inputs      VARCHAR[],         -- the names the formula uses (statement line ids, Kolada KPI ids)
    value_column        VARCHAR,           -- file drops: the column holding the value
    year_from_rows      VARCHAR,           -- file drops: how a year's selected rows make its value: sum | mean
    PRIMARY KEY (plan_id, indicator_id)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_kind VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_reason VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_expected_difference DOUBLE;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS year_from_periods VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS preliminary_periods INTEGER;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS publication_lag_days INTEGER;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula_inputs VARCHAR[];
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS value_column VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS year_from_rows VARCHAR;
