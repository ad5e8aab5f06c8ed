-- Add a vintage for every staged observation that is new or differs from the latest vintage (value, flags,
-- status or provenance: a demonstration figure later sent live is a new vintage). Unchanged values add
-- nothing, and neither does an observation older than the latest vintage that is identical to one already
-- recorded at its observation time, so re-running on unchanged inputs (or replaying an older recording
-- again) leaves the history as it was. An observation at least as new as the latest vintage that differs
-- from it is always added: at one observed_at instant the latest load wins (a file current again after the
-- newer one was deleted, observed at the same instant). loaded_at orders the loads: now, and always after
-- every earlier load, even if the clock went back.
INSERT INTO core.indicator_value_vintage BY NAME
SELECT o.*,
       greatest(now(), (SELECT max(loaded_at) + INTERVAL 1 MICROSECOND FROM core.indicator_value_vintage)) AS loaded_at
FROM staging.observation AS o
LEFT JOIN core.latest_vintage AS f USING (municipality_code, indicator_id, year)
WHERE (
        f.indicator_id IS NULL
        OR f.value IS DISTINCT FROM o.value
        OR f.preliminary IS DISTINCT FROM o.preliminary
        OR f.complete IS DISTINCT FROM o.complete
        OR f.withdrawn IS DISTINCT FROM o.withdrawn
        OR f.source_status IS DISTINCT FROM o.source_status
        OR f.value_provenance IS DISTINCT FROM o.value_provenance
    )
    AND (
        coalesce(o.observed_at >= f.observed_at, false)
        OR NOT EXISTS (
            SELECT 1
            FROM core.indicator_value_vintage AS v
            WHERE v.municipality_code = o.municipality_code AND v.indicator_id = o.indicator_id AND v.year = o.year
              AND v.observed_at = o.observed_at
              AND v.value IS NOT DISTINCT FROM o.value
              AND v.preliminary IS NOT DISTINCT FROM o.preliminary
              AND v.complete IS NOT DISTINCT FROM o.complete
              AND v.withdrawn IS NOT DISTINCT FROM o.withdrawn
              AND v.source_status IS NOT DISTINCT FROM o.source_status
              AND v.value_provenance IS NOT DISTINCT FROM o.value_provenance
        )
    );
