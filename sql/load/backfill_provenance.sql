-- A warehouse published before values carried their provenance: the current vintage of a row gets the
-- provenance of the staged observation when that is the same figure (value, flags and status), so the
-- upgrade adds no vintage for a value that did not change. Older vintages keep NULL (not recorded then).
UPDATE core.indicator_value_vintage AS v
SET value_provenance = o.value_provenance
FROM staging.observation AS o, core.latest_vintage AS l
WHERE v.value_provenance IS NULL AND NOT v.withdrawn AND o.value_provenance IS NOT NULL
  AND l.municipality_code = v.municipality_code AND l.indicator_id = v.indicator_id AND l.year = v.year
  AND l.observed_at = v.observed_at AND l.loaded_at = v.loaded_at
  AND o.municipality_code = v.municipality_code AND o.indicator_id = v.indicator_id AND o.year = v.year
  AND o.value IS NOT DISTINCT FROM v.value
  AND o.preliminary IS NOT DISTINCT FROM v.preliminary
  AND o.complete IS NOT DISTINCT FROM v.complete
  AND o.source_status IS NOT DISTINCT FROM v.source_status;
