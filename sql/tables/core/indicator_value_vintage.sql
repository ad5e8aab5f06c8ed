-- Every version of every value ever loaded (docs/target-rules.md, Vintages): a revised figure is a new
-- row, never an overwrite; a row a source stopped sending gets a withdrawal row (withdrawn, value NULL).

-- Every version of every value ever loaded (docs/target-rules.md, "Vintages"). A new row only when
-- the value, its status or its flags differ from the latest vintage (so a value that reverts is a new
-- vintage too). `observed_at` is when the value was seen as the source's current answer: the answer's
-- retrieval time, or for a file drop the time the file became the current one of its kind (a re-sent
-- file, or an older one that is current again, is observed anew). The current vintage is the latest
-- observed, ties broken by load order (loaded_at: each load's is after every earlier one's, even if the
-- clock went back; sql/load/add_vintages.sql). A row the source stopped sending in an answer that covers it gets
-- a withdrawal vintage (withdrawn = true, value NULL): it stops being current, the history stays.
-- "What was known at time T" = the latest vintage observed at or before T (core.fact_indicator_value_at).
CREATE TABLE IF NOT EXISTS core.indicator_value_vintage (
    municipality_code  VARCHAR NOT NULL,
    indicator_id       VARCHAR NOT NULL,
    year               INTEGER NOT NULL,
    value              DOUBLE,
    unit               VARCHAR NOT NULL,
    preliminary        BOOLEAN NOT NULL,
    source             VARCHAR NOT NULL,
    source_id          VARCHAR,
    source_status      VARCHAR,
    retrieved_at       TIMESTAMPTZ NOT NULL,   -- when the source sent it
    raw_sha256         VARCHAR NOT NULL,       -- the archived payload it came from
    loaded_at          TIMESTAMPTZ NOT NULL,   -- when this warehouse first saw this version
    complete           BOOLEAN DEFAULT true,   -- false: only some of the year's periods are out (a year-to-date figure)
    observed_at        TIMESTAMPTZ,            -- when it was observed as the source's current answer
    withdrawn          BOOLEAN DEFAULT false,  -- the source no longer sends this row
    value_provenance   VARCHAR,                -- source | published | derived | illustrative (docs/provenance.md); NULL: no value, or loaded before it was kept
    PRIMARY KEY (municipality_code, indicator_id, year, retrieved_at, loaded_at)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS complete BOOLEAN DEFAULT true;
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS withdrawn BOOLEAN DEFAULT false;
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS value_provenance VARCHAR;
UPDATE core.indicator_value_vintage SET observed_at = retrieved_at WHERE observed_at IS NULL;
