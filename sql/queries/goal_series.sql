-- One goal's series with its target: every year of the target's own series and of the comparison
-- series shown beside it, the target level on the target rows, whether the figure is final and its
-- provenance (illustrative: a demonstration figure, docs/provenance.md).
-- Parameter: $target_id (e.g. 'nki_2025'; marts.goal_status lists them).
SELECT
    role, indicator_id, indicator_title, year, value, decimals, unit, preliminary, complete,
    series_break_before, target_value, in_target_period, status, source, source_status, value_provenance
FROM marts.indicator_vs_target
WHERE target_id = $target_id
ORDER BY role DESC, indicator_id, year;
