-- The city's own measures beside the published figures they are compared with (the plan's reconcile_with),
-- per municipality and year, with what the plan expects of the pair.

-- The city's own measures beside the published figures they are compared with (the plan file's
-- reconcile_with): one row per measure, municipality and year, with what the plan expects of the pair.
--   kind 'agree': the two should be equal; expected_difference is 0.
--   kind 'by_design': the definitions differ on purpose, for `reason`. With an expected difference
--     (own - published) the difference should stay within the tolerance of it; without one nothing is
--     expected of the difference.
-- within_tolerance: |difference - expected_difference| <= tolerance (NULL where there is no
-- expectation to judge). within_expectation: false exactly where the plan's expectation is broken,
-- true where it holds or there is nothing to hold the difference to, NULL where either value is
-- missing. `finding` says a broken expectation in a sentence; the non-blocking check warns on it.
WITH pairs AS (
    SELECT
        d.plan_id,
        d.indicator_id,
        d.title AS indicator_title,
        d.reconcile_with AS published_indicator_id,
        pub_dim.title AS published_indicator_title,
        own.municipality_code,
        own.year,
        d.unit,
        own.value AS own_value,
        pub.value AS published_value,
        own.value - pub.value AS difference,
        coalesce(d.reconcile_kind, 'agree') AS kind,
        d.reconcile_reason AS reason,
        CASE WHEN coalesce(d.reconcile_kind, 'agree') = 'agree' THEN 0.0 ELSE d.reconcile_expected_difference END
            AS expected_difference,
        d.reconcile_tolerance AS tolerance
    FROM core.dim_indicator AS d
    JOIN core.fact_indicator_value AS own ON own.indicator_id = d.indicator_id
    LEFT JOIN core.dim_indicator AS pub_dim ON pub_dim.plan_id = d.plan_id AND pub_dim.indicator_id = d.reconcile_with
    LEFT JOIN core.fact_indicator_value AS pub
        ON pub.indicator_id = d.reconcile_with AND pub.municipality_code = own.municipality_code AND pub.year = own.year
    WHERE d.reconcile_with IS NOT NULL
),
judged AS (
    SELECT
        *,
        abs(difference - expected_difference) <= tolerance AS within_tolerance,
        CASE
            WHEN difference IS NULL THEN NULL
            WHEN expected_difference IS NULL OR tolerance IS NULL THEN true
            ELSE abs(difference - expected_difference) <= tolerance
        END AS within_expectation
    FROM pairs
)
SELECT
    *,
    CASE WHEN NOT within_expectation THEN
        format(
            '{} {}: {} - {} = {}, {} {} ± {}',
            indicator_id, year, round(own_value, 2), round(published_value, 2), round(difference, 2),
            CASE kind WHEN 'agree' THEN 'expected to agree:' ELSE 'expected by design:' END,
            round(expected_difference, 2), round(tolerance, 2)
        )
    END AS finding
FROM judged
