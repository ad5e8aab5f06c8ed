-- Replace staging.scb_values with the decoded cells in `incoming`. `preliminary` here is the cell's
-- own flag: SCB sent a status symbol instead of a value. Which recent periods SCB still revises is
-- the plan's `preliminary_periods` window, applied per indicator in sql/models/staging/scb_period.sql.
DELETE FROM staging.scb_values;
INSERT INTO staging.scb_values BY NAME
SELECT
    table_id,
    region,
    selection_key,
    period,
    value,
    nullif(status, '') AS status,
    nullif(status, '') IS NOT NULL AS preliminary,
    CASE WHEN nullif(status, '') IS NOT NULL THEN 'SCB status ''' || status || ''' (value not published)' END AS preliminary_note,
    CAST(table_updated AS TIMESTAMPTZ) AS table_updated,
    raw_sha256,
    source_url,
    CAST(retrieved_at AS TIMESTAMPTZ) AS retrieved_at
FROM incoming;
