-- The components of computed indices (the plan file's method), one row per key figure.

CREATE TABLE IF NOT EXISTS core.index_component (
    plan_id                  VARCHAR NOT NULL,
    index_indicator_id       VARCHAR NOT NULL,
    component_indicator_id   VARCHAR NOT NULL,
    weight                   DOUBLE NOT NULL,
    direction                VARCHAR NOT NULL,   -- higher: used as is; lower: 100 - value
    base_year                INTEGER NOT NULL,
    min_coverage             DOUBLE NOT NULL,     -- share of the total weight a year needs
    normalisation            VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, index_indicator_id, component_indicator_id)
);
