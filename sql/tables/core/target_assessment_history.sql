-- What every published refresh reported: one row per target and refresh (marts.goal_status_history).

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
    latest_preliminary BOOLEAN,
    overdue_years      INTEGER[],
    method             VARCHAR,                -- the progress method the plan declared for the target
    target_definition  VARCHAR,                -- the target rule as judged (core.dim_target then)
    target_end_year    INTEGER,                -- its target year or period end
    note_sv            VARCHAR,                -- note in Swedish
    PRIMARY KEY (plan_id, target_id, run_id)
);

-- Upgrades: a warehouse published before these columns existed gets them (NULL in its older rows: a
-- change reason that needs them is not claimed for those rows; docs/target-rules.md).
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS latest_preliminary BOOLEAN;
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS overdue_years INTEGER[];
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS method VARCHAR;
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS target_definition VARCHAR;
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS target_end_year INTEGER;
ALTER TABLE core.target_assessment_history ADD COLUMN IF NOT EXISTS note_sv VARCHAR;
