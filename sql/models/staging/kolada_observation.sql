-- Kolada's staged values mapped onto the plan's indicators (total, gender T), in the common observation
-- shape; a value Kolada marks deleted is withdrawn.

-- Kolada's staged rows mapped onto catalogue indicators, in the common observation shape (the columns
-- of staging.observation). Kolada: the total (gender T) only. A value Kolada marks
-- deleted (`isdeleted`) is withdrawn: it stops being current and the history keeps what was there.
-- Kolada gives no preliminary flag per value; years not yet over are treated as preliminary by the
-- target rules. A Kolada year is whole (complete); it is observed when the answer was retrieved.
-- value_provenance: what the snapshot declared for the payload or the value (core.declared_provenance),
-- else 'source' (the source's own figure); NULL without a value.
SELECT DISTINCT
    v.municipality_code,
    d.indicator_id,
    v.year,
    CASE WHEN v.is_deleted THEN NULL ELSE v.value END AS value,
    d.unit,
    false AS preliminary,
    true AS complete,
    'kolada' AS source,
    v.kpi_id AS source_id,
    CASE WHEN v.is_deleted THEN 'deleted' ELSE nullif(v.status, '') END AS source_status,
    v.retrieved_at,
    v.retrieved_at AS observed_at,
    v.raw_sha256,
    coalesce(v.is_deleted, false) AS withdrawn,
    CASE WHEN NOT coalesce(v.is_deleted, false) AND v.value IS NOT NULL
         THEN coalesce(p.value_provenance, 'source') END AS value_provenance
FROM staging.kolada_values AS v
JOIN core.dim_indicator AS d ON d.source = 'kolada' AND d.source_id = v.kpi_id
LEFT JOIN core.declared_provenance AS p
    ON p.payload_sha256 = v.raw_sha256
    AND (p.source_id IS NULL
         OR (p.source_id = v.kpi_id AND p.selection_key = 'gender=' || v.gender AND p.period = CAST(v.year AS VARCHAR)))
WHERE v.gender = 'T'
