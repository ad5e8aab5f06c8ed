-- Data quality over time: one row per Great Expectations expectation per validation of every published run
-- (a failed run's results stay in its work file).

-- Quality gate bookkeeping: every Great Expectations validation of every run (assets/checks.py).
-- A failed run never publishes, so the published warehouse holds the validations of published runs;
-- a failed run's results stay in its work file (warehouse/.work/<run_id>.duckdb).
-- One row per expectation per validation.
CREATE TABLE IF NOT EXISTS meta.validation_result (
    run_id             VARCHAR NOT NULL,
    suite              VARCHAR NOT NULL,   -- expectations/<suite>.json
    dataset            VARCHAR NOT NULL,   -- the validated table, e.g. staging.kolada_values
    expectation_type   VARCHAR NOT NULL,   -- 'validator' when the validator itself could not run
    column_name        VARCHAR,
    kwargs             JSON,               -- the expectation's arguments, suite parameters filled in
    success            BOOLEAN NOT NULL,
    unexpected_count   BIGINT,
    unexpected_sample  JSON,               -- a few of the offending values (or missing set members)
    observed_value     JSON,
    error              VARCHAR,            -- why the expectation (or the validator) could not be evaluated
    validated_at       TIMESTAMPTZ NOT NULL
);
