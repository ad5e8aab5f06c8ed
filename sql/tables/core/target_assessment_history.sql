-- What every published refresh reported: one row per target and refresh (marts.goal_status_history).

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
