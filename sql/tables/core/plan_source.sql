-- Each source a plan reads, with the publication rhythm its freshness is judged by (`indicator-pipeline
-- status`, the freshness checks): the plan's [publication] lag_days for Kolada and SCB, filedrop_max_age_days
-- for a file drop kind. Kept with the plan's catalogue, so the warehouse judges its own plans' freshness.

CREATE TABLE IF NOT EXISTS core.plan_source (
    plan_id               VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    publication_lag_days  INTEGER,
    max_age_days          INTEGER,
    PRIMARY KEY (plan_id, source)
);
