-- Replace staging.scb_values with the decoded cells in `incoming` (no preliminary flag yet).
-- Preliminary: SCB revises the latest published period of a series ("Uppgifterna för senaste
-- kvartalet är preliminära"), so the latest period with a value in each series is flagged, with the
-- table's note (`prelim_note_text`) kept; a cell with a status symbol is flagged too.
DELETE FROM staging.scb_values;
INSERT INTO staging.scb_values BY NAME
WITH ranked AS (
    SELECT
        *,
        period = max(period) FILTER (WHERE value IS NOT NULL)
            OVER (PARTITION BY table_id, region, selection_key) AS latest_published
    FROM incoming
)
SELECT
    table_id,
    region,
    selection_key,
    period,
    value,
    nullif(status, '') AS status,
    coalesce(latest_published, false) OR nullif(status, '') IS NOT NULL AS preliminary,
    CASE
        WHEN nullif(status, '') IS NOT NULL THEN 'SCB status ''' || status || ''' (value not published)'
        WHEN latest_published THEN coalesce(prelim_note_text, 'Latest published period of the series; SCB revises it.')
    END AS preliminary_note,
    CAST(table_updated AS TIMESTAMPTZ) AS table_updated,
    raw_sha256,
    source_url,
    CAST(retrieved_at AS TIMESTAMPTZ) AS retrieved_at
FROM ranked;
