-- The current financial_statements file drop: the city's statement lines per year, in million kronor (the
-- plan's finance measures are computed from them in staging.formula_observation).

CREATE TABLE IF NOT EXISTS staging.filedrop_financial_statements (
    year              INTEGER NOT NULL,
    line_id           VARCHAR NOT NULL,
    line              VARCHAR NOT NULL,
    amount_mnkr       DOUBLE NOT NULL,    -- million kronor, as the statements show it (may be negative)
    preliminary       BOOLEAN NOT NULL,
    reported_on       DATE,
    source_file       VARCHAR NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    retrieved_at      TIMESTAMPTZ NOT NULL,
    observed_at       TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year, line_id)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE staging.filedrop_financial_statements ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
