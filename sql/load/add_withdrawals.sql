-- Withdraw every current row that a source no longer sends in an answer that covers it
-- (staging.observation_coverage) and that is at least as new as the row: a withdrawal vintage with no
-- value, observed with the covering answer. It stops being current; the history keeps what was there.
-- A row already withdrawn is left alone, so re-running adds nothing.
-- loaded_at after every earlier load, as in add_vintages.sql.
INSERT INTO core.indicator_value_vintage BY NAME
SELECT
    l.municipality_code, l.indicator_id, l.year,
    CAST(NULL AS DOUBLE) AS value,
    l.unit,
    false AS preliminary,
    true AS complete,
    l.source,
    l.source_id,
    'withdrawn: no longer sent by the source' AS source_status,
    c.observed_at AS retrieved_at,
    c.observed_at,
    c.raw_sha256,
    greatest(now(), (SELECT max(loaded_at) + INTERVAL 1 MICROSECOND FROM core.indicator_value_vintage)) AS loaded_at,
    true AS withdrawn
FROM core.latest_vintage AS l
JOIN staging.observation_coverage AS c
    ON c.municipality_code = l.municipality_code AND c.indicator_id = l.indicator_id
    AND (c.year_from IS NULL OR l.year BETWEEN c.year_from AND c.year_to)
WHERE NOT l.withdrawn
  AND c.observed_at >= l.observed_at
  AND NOT EXISTS (
      SELECT 1 FROM staging.observation AS o
      WHERE o.municipality_code = l.municipality_code AND o.indicator_id = l.indicator_id AND o.year = l.year
  );
