-- The plan files as a table: one row per plan (its title is the plan's own, e.g. Verksamhetsplan 2025).

CREATE TABLE IF NOT EXISTS core.dim_plan (
    plan_id            VARCHAR PRIMARY KEY,
    title              VARCHAR NOT NULL,
    organisation       VARCHAR,
    municipality_code  VARCHAR NOT NULL,
    municipality_name  VARCHAR NOT NULL,
    plan_year          INTEGER NOT NULL,
    plan_file          VARCHAR
);

-- The plan this one works under (`[plan] parent`, a plan id): the city's directions above a board's plan.
-- It may be refreshed separately, so it need not be in this table. Added after the first release.
ALTER TABLE core.dim_plan ADD COLUMN IF NOT EXISTS parent_plan_id VARCHAR;
-- How a target not decided yet is judged unless it names its own method (`[plan] progress_method`; issue 18).
ALTER TABLE core.dim_plan ADD COLUMN IF NOT EXISTS progress_method VARCHAR;
