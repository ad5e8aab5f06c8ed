-- The latest assessment of every target (indicator_pipeline.targets) for one as-of date; marts.goal_status
-- shows it with the plan's titles.

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
    method                       VARCHAR,     -- how a target not decided yet was judged
    progress_band                VARCHAR,     -- the trend's band (progress.py)
    progress_ratio               DOUBLE,      -- cagr_ratio's R
    trend_base_year              INTEGER,     -- the trend's first comparable whole year
    trend_base_value             DOUBLE,
    observed_rate                DOUBLE,      -- observed yearly growth (cagr) or relative slope (linear)
    required_rate                DOUBLE,      -- cagr_ratio: the yearly growth the target needs
    projected_value              DOUBLE,      -- linear_projection: what the line projects
    method_fallback              VARCHAR,     -- why the declared trend method was not used
    note_sv                      VARCHAR,     -- note in Swedish
    PRIMARY KEY (plan_id, target_id)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS failing_years INTEGER[];
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS pending_years INTEGER[];
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS overdue_years INTEGER[];
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS method VARCHAR;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS progress_band VARCHAR;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS progress_ratio DOUBLE;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS trend_base_year INTEGER;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS trend_base_value DOUBLE;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS observed_rate DOUBLE;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS required_rate DOUBLE;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS projected_value DOUBLE;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS method_fallback VARCHAR;
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS note_sv VARCHAR;
