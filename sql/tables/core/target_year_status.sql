-- The status of each year's value against its target level (the target rows of marts.indicator_vs_target).

CREATE TABLE IF NOT EXISTS core.target_year_status (
    plan_id            VARCHAR NOT NULL,
    target_id          VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    value              DOUBLE,
    status             VARCHAR NOT NULL,
    complete           BOOLEAN,               -- false: a year-to-date figure (status 'incomplete')
    PRIMARY KEY (plan_id, target_id, year)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE core.target_year_status ADD COLUMN IF NOT EXISTS complete BOOLEAN;
