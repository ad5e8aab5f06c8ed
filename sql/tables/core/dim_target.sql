-- Every target rule of the plan file: which indicator, which level, which year or period.

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

-- The target's own progress method (NULL: the plan's progress_method); added with the trend methods (issue 18).
ALTER TABLE core.dim_target ADD COLUMN IF NOT EXISTS method VARCHAR;
