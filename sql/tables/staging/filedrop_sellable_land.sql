-- The current sellable_land file drop: new business land made available per year and area.

CREATE TABLE IF NOT EXISTS staging.filedrop_sellable_land (
    year              INTEGER NOT NULL,
    area              VARCHAR NOT NULL,
    hectares          DOUBLE NOT NULL,
    preliminary       BOOLEAN NOT NULL,
    reported_on       DATE,
    source_file       VARCHAR NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    retrieved_at      TIMESTAMPTZ NOT NULL,
    observed_at       TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year, area)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE staging.filedrop_sellable_land ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
