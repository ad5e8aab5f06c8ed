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
