-- Computed indices (the plan file's method): the weighted mean of the components' scores per year, when
-- they carry at least min_coverage of the weight, in the common observation shape.

-- Computed indices (the plan file's `method`, loaded into core.index_component), e.g. the city's
-- safety index. Each component is a 0-100 figure; a lower-is-better one is turned around
-- (score = 100 - value). A year's index is the weighted mean of the scores of the components that
-- have a value that year, from the base year on, and only when those components carry at least
-- min_coverage of the total weight (else the year has no index value). A year missing any
-- component, or with a preliminary one, is preliminary; source_status says which were used. Its
-- provenance is 'illustrative' when any component used is, else 'derived'.
WITH totals AS (
    SELECT plan_id, index_indicator_id, sum(weight) AS total_weight, count(*) AS components,
           any_value(min_coverage) AS min_coverage
    FROM core.index_component
    GROUP BY plan_id, index_indicator_id
),
yearly AS (
    SELECT
        v.plan_id, v.index_indicator_id, v.municipality_code, v.year,
        -- summed in a fixed order: floating-point sums depend on order, and an unchanged index must
        -- not look like a revision
        sum(v.score * v.weight ORDER BY v.component_indicator_id)
            / sum(v.weight ORDER BY v.component_indicator_id) AS weighted_mean,
        sum(v.weight ORDER BY v.component_indicator_id) AS weight_present,
        count(*) AS components_present,
        bool_or(v.preliminary) AS any_preliminary,
        max(v.retrieved_at) AS retrieved_at,
        max(v.observed_at) AS observed_at,
        sha256(string_agg(v.raw_sha256, ',' ORDER BY v.component_indicator_id)) AS inputs_sha256,
        bool_or(v.value_provenance = 'illustrative') AS any_illustrative
    FROM staging.index_component_value AS v
    GROUP BY v.plan_id, v.index_indicator_id, v.municipality_code, v.year
)
SELECT DISTINCT
    y.municipality_code,
    y.index_indicator_id AS indicator_id,
    y.year,
    CASE WHEN y.weight_present / t.total_weight >= t.min_coverage - 1e-9 THEN y.weighted_mean END AS value,
    d.unit,
    y.any_preliminary OR y.components_present < t.components AS preliminary,
    true AS complete,
    'computed' AS source,
    d.source_id,
    y.components_present || ' of ' || t.components || ' components, '
        || CAST(round(100 * y.weight_present / t.total_weight) AS INTEGER) || ' % of the weight' AS source_status,
    y.retrieved_at,
    y.observed_at,
    y.inputs_sha256 AS raw_sha256,  -- sha256 over the components' payload hashes
    false AS withdrawn,
    CASE WHEN y.weight_present / t.total_weight >= t.min_coverage - 1e-9 THEN
        CASE WHEN y.any_illustrative THEN 'illustrative' ELSE 'derived' END
    END AS value_provenance
FROM yearly AS y
JOIN totals AS t USING (plan_id, index_indicator_id)
JOIN core.dim_indicator AS d ON d.plan_id = y.plan_id AND d.indicator_id = y.index_indicator_id
