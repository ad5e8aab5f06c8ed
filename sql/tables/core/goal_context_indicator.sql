-- Which indicators each goal shows beside its target indicator (comparison series, e.g. the old NKI
-- definition).

CREATE TABLE IF NOT EXISTS core.goal_context_indicator (
    plan_id       VARCHAR NOT NULL,
    goal_id       VARCHAR NOT NULL,
    indicator_id  VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, goal_id, indicator_id)
);
