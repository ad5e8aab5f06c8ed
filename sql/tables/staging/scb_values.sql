-- SCB PxWeb table cells as sent in json-stat2 (one row per region, selection and period), replaced on
-- every SCB load.

-- Staging for SCB PxWeb tables: one row per table cell (region, selection of the other variables,
-- period) as SCB sent it in json-stat2, replaced on every SCB load.
CREATE TABLE IF NOT EXISTS staging.scb_values (
    table_id           VARCHAR NOT NULL,   -- SCB's table id, as the plan's source_id
    region             VARCHAR NOT NULL,   -- municipality code, e.g. 1283
    selection_key      VARCHAR NOT NULL,   -- the other variables' codes, sorted 'k=v;k=v' (as core.dim_indicator.source_selection)
    period             VARCHAR NOT NULL,   -- SCB's time code, e.g. 2025K1
    value              DOUBLE,             -- NULL = not published (see status), never 0
    status             VARCHAR,            -- SCB's symbol for the cell: '..' not available yet, '.' not applicable, ':' confidential
    preliminary        BOOLEAN NOT NULL,   -- the cell has a status symbol (the plan's revision window is applied in staging.scb_period)
    preliminary_note   VARCHAR,            -- which symbol
    table_updated      TIMESTAMPTZ,        -- json-stat2 'updated': when SCB last changed the table
    raw_sha256         VARCHAR NOT NULL,
    source_url         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL
);
