-- marts.goal_status for display: numbers rounded half away from zero to decimals (marts.round_display) and
-- as Swedish text (marts.format_sv); shares shown in percent in the text.

-- marts.goal_status with the numbers rounded to the indicator's decimals and as Swedish text. A share
-- target (unit 'share', a value 0-1) is shown in percent in the text columns: 0.343 is '34,3 %', and
-- its gap in percentage points.
WITH shown AS (
    SELECT
        *,
        CASE WHEN unit = 'share' THEN 100 ELSE 1 END AS text_scale,
        CASE WHEN unit = 'share' THEN decimals - 2 ELSE decimals END AS text_decimals,
        CASE WHEN unit IN ('share', 'percent') THEN ' %' ELSE '' END AS text_suffix
    FROM marts.goal_status
)
SELECT
    plan_id,
    goal_id,
    goal_title,
    target_id,
    target_text,
    target_kind,
    indicator_title,
    municipality_code,
    as_of,
    status,
    unit,
    decimals,
    latest_year,
    latest_preliminary,
    latest_value_provenance,
    marts.round_display(latest_value, decimals) AS latest_value,
    marts.round_display(target_value, decimals) AS target_value,
    coalesce(CAST(target_year AS VARCHAR), CAST(period_start AS VARCHAR) || '-' || CAST(period_end AS VARCHAR)) AS target_when,
    marts.round_display(gap, decimals) AS gap,
    marts.round_display(average_so_far, decimals) AS average_so_far,
    marts.round_display(required_per_remaining_year, decimals) AS required_per_remaining_year,
    marts.format_sv(text_scale * latest_value, text_decimals) || text_suffix AS latest_value_sv,
    marts.format_sv(text_scale * target_value, text_decimals) || text_suffix AS target_value_sv,
    CASE WHEN gap > 0 THEN '+' ELSE '' END || marts.format_sv(text_scale * gap, text_decimals) AS gap_sv,
    note,
    note_sv,
    goal_order,
    target_order
FROM shown
