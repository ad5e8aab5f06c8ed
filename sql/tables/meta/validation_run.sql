-- One row per validation: the verdict, statistics and Great Expectations' full result JSON (the input of
-- Data Docs).

-- One row per validation: verdict, statistics and GX's full result JSON (the input of Data Docs).
CREATE TABLE IF NOT EXISTS meta.validation_run (
    run_id        VARCHAR NOT NULL,
    suite         VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    success       BOOLEAN NOT NULL,
    statistics    JSON,
    error         VARCHAR,
    gx_result     JSON,
    validated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, suite)
);
