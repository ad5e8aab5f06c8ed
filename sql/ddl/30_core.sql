-- Core: the catalogue as dimensions, the yearly values with their vintages, and the assessments.

CREATE TABLE IF NOT EXISTS core.dim_plan (
    plan_id            VARCHAR PRIMARY KEY,
    title              VARCHAR NOT NULL,
    organisation       VARCHAR,
    municipality_code  VARCHAR NOT NULL,
    municipality_name  VARCHAR NOT NULL,
    plan_year          INTEGER NOT NULL,
    plan_file          VARCHAR
);

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

-- The components of computed indices (the plan file's `method`), one row per key figure.
CREATE TABLE IF NOT EXISTS core.index_component (
    plan_id                  VARCHAR NOT NULL,
    index_indicator_id       VARCHAR NOT NULL,
    component_indicator_id   VARCHAR NOT NULL,
    weight                   DOUBLE NOT NULL,
    direction                VARCHAR NOT NULL,   -- higher: used as is; lower: 100 - value
    base_year                INTEGER NOT NULL,
    min_coverage             DOUBLE NOT NULL,     -- share of the total weight a year needs
    normalisation            VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, index_indicator_id, component_indicator_id)
);

CREATE TABLE IF NOT EXISTS core.dim_goal (
    plan_id      VARCHAR NOT NULL,
    goal_id      VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    level        VARCHAR,
    area         VARCHAR,
    motivation   VARCHAR,
    measurable   BOOLEAN NOT NULL,
    goal_order   INTEGER NOT NULL,
    PRIMARY KEY (plan_id, goal_id)
);

CREATE TABLE IF NOT EXISTS core.dim_target (
    plan_id                   VARCHAR NOT NULL,
    target_id                 VARCHAR NOT NULL,
    goal_id                   VARCHAR NOT NULL,
    target_kind               VARCHAR NOT NULL,
    indicator_id              VARCHAR,
    denominator_indicator_id  VARCHAR,
    target_value              DOUBLE,
    target_year               INTEGER,
    period_start              INTEGER,
    period_end                INTEGER,
    direction                 VARCHAR NOT NULL,
    target_unit               VARCHAR,
    target_text               VARCHAR,
    target_order              INTEGER NOT NULL,
    PRIMARY KEY (plan_id, target_id)
);

-- Which indicators each goal shows besides its target indicator (comparison series).
CREATE TABLE IF NOT EXISTS core.goal_context_indicator (
    plan_id       VARCHAR NOT NULL,
    goal_id       VARCHAR NOT NULL,
    indicator_id  VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, goal_id, indicator_id)
);

-- Every version of every value ever loaded (docs/target-rules.md, "Vintages"). A new row only when
-- the value, its status or its flags differ from the latest vintage (so a value that reverts is a new
-- vintage too). `observed_at` is when the value was seen as the source's current answer: the answer's
-- retrieval time, or for a file drop the time the file became the current one of its kind (a re-sent
-- file, or an older one that is current again, is observed anew). The current vintage is the latest
-- observed, ties broken by load order. A row the source stopped sending in an answer that covers it gets
-- a withdrawal vintage (withdrawn = true, value NULL): it stops being current, the history stays.
-- "What was known at time T" = the latest vintage observed at or before T (core.fact_indicator_value_at).
CREATE TABLE IF NOT EXISTS core.indicator_value_vintage (
    municipality_code  VARCHAR NOT NULL,
    indicator_id       VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    value              DOUBLE,
    unit               VARCHAR NOT NULL,
    preliminary        BOOLEAN NOT NULL,
    source             VARCHAR NOT NULL,
    source_id          VARCHAR,
    source_status      VARCHAR,
    retrieved_at       TIMESTAMPTZ NOT NULL,   -- when the source sent it
    raw_sha256         VARCHAR NOT NULL,       -- the archived payload it came from
    loaded_at          TIMESTAMPTZ NOT NULL,   -- when this warehouse first saw this version
    complete           BOOLEAN DEFAULT true,   -- false: only some of the year's periods are out (a year-to-date figure)
    observed_at        TIMESTAMPTZ,            -- when it was observed as the source's current answer
    withdrawn          BOOLEAN DEFAULT false,  -- the source no longer sends this row
    PRIMARY KEY (municipality_code, indicator_id, year, retrieved_at, loaded_at)
);

-- Target assessments computed by indicator_pipeline.targets for one as-of date.
CREATE TABLE IF NOT EXISTS core.target_assessment (
    plan_id                      VARCHAR NOT NULL,
    target_id                    VARCHAR NOT NULL,
    municipality_code            VARCHAR NOT NULL,
    as_of                        DATE NOT NULL,
    status                       VARCHAR NOT NULL,
    assessed_year                INTEGER,
    assessed_value               DOUBLE,
    gap                          DOUBLE,
    latest_year                  INTEGER,
    latest_value                 DOUBLE,
    latest_preliminary           BOOLEAN,
    average_so_far               DOUBLE,
    share_so_far                 DOUBLE,
    years_with_data              INTEGER,
    years_remaining              INTEGER,
    required_per_remaining_year  DOUBLE,
    missing_years                INTEGER[],
    excluded_years               INTEGER[],
    series_break_in_period       BOOLEAN,
    note                         VARCHAR,
    failing_years                INTEGER[],   -- every-year rules: final years below the target
    pending_years                INTEGER[],   -- over, figure not complete yet but within its publication lag
    overdue_years                INTEGER[],   -- over, figure not complete and past its publication lag
    PRIMARY KEY (plan_id, target_id)
);

-- What every published refresh reported: one row per target and run (marts.goal_status_history).
-- A run that fails publishes nothing, so only published refreshes are here.
CREATE TABLE IF NOT EXISTS core.target_assessment_history (
    plan_id            VARCHAR NOT NULL,
    target_id          VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,
    assessed_at        TIMESTAMPTZ NOT NULL,   -- when the refresh assessed
    as_of              DATE NOT NULL,          -- the date it judged as of
    status             VARCHAR NOT NULL,
    assessed_year      INTEGER,
    assessed_value     DOUBLE,
    gap                DOUBLE,
    latest_year        INTEGER,
    latest_value       DOUBLE,
    note               VARCHAR,
    PRIMARY KEY (plan_id, target_id, run_id)
);

-- Per-year status of each value against its target level (the rows of marts.indicator_vs_target).
CREATE TABLE IF NOT EXISTS core.target_year_status (
    plan_id            VARCHAR NOT NULL,
    target_id          VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    value              DOUBLE,
    status             VARCHAR NOT NULL,
    complete           BOOLEAN,               -- false: a year-to-date figure (status 'incomplete')
    PRIMARY KEY (plan_id, target_id, year)
);
