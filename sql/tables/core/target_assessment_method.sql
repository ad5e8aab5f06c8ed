-- Every target judged by every method (docs/target-rules.md, "Progress from the trend"), beside the
-- one its plan declares (core.target_assessment); marts.goal_status_methods shows them side by side.

-- One row per target and progress method, for one as-of date.
CREATE TABLE IF NOT EXISTS core.target_assessment_method (
    plan_id            VARCHAR NOT NULL,
    target_id          VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    as_of              DATE NOT NULL,
    method             VARCHAR NOT NULL,   -- the method asked for
    method_used        VARCHAR NOT NULL,   -- the method that judged (latest_value on a fallback or a decided target)
    status             VARCHAR NOT NULL,
    progress_band      VARCHAR,
    progress_ratio     DOUBLE,
    trend_base_year    INTEGER,
    trend_base_value   DOUBLE,
    observed_rate      DOUBLE,
    required_rate      DOUBLE,
    projected_value    DOUBLE,
    method_fallback    VARCHAR,
    latest_year        INTEGER,
    latest_value       DOUBLE,
    note               VARCHAR,
    note_sv            VARCHAR,
    PRIMARY KEY (plan_id, target_id, method)
);

-- Upgrades: a warehouse published before this column existed gets it (NULL until the next assessment).
ALTER TABLE core.target_assessment_method ADD COLUMN IF NOT EXISTS note_sv VARCHAR;
