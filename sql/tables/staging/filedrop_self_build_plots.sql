-- The current self_build_plots file drop: small-house starts on the city's self-build plots per year.

CREATE TABLE IF NOT EXISTS staging.filedrop_self_build_plots (
    year               INTEGER NOT NULL,
    self_build_starts  INTEGER NOT NULL,
    plots_sold         INTEGER,
    preliminary        BOOLEAN NOT NULL,
    reported_on        DATE,
    source_file        VARCHAR NOT NULL,
    raw_sha256         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL,
    observed_at        TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE staging.filedrop_self_build_plots ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
