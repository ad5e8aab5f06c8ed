-- Every goal of the plan file, with the plan's own (Swedish) title and motivation per row.

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

-- The goal of the parent plan (core.dim_plan.parent_plan_id) this goal serves (`serves`). Added after the
-- first release.
ALTER TABLE core.dim_goal ADD COLUMN IF NOT EXISTS serves_goal_id VARCHAR;
