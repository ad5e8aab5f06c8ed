-- Display helpers for BI (the rounding policy is in the README, "The warehouse for BI users").
-- Values are stored unrounded. Display rounds half away from zero at the indicator's `decimals`:
-- marts.round_display(x, d) = round(x * 10^d) / 10^d (DuckDB's round() of a DOUBLE without a precision
-- rounds half away from zero; round(x, d) needs a constant d, so the scaling is spelled out). The half
-- is judged on the scaled double: 0.35 -> 0.4, -0.25 -> -0.3, 2.675 -> 2.68, but 1.005 -> 1.0
-- (1.005 * 100 is 100.49999999999999 in binary). -0.0 comes out as 0.
CREATE OR REPLACE MACRO marts.round_display(x, decimals) AS
    round(x * pow(10, decimals)) / pow(10, decimals) + 0.0;

-- A number as Swedish text: rounded as above, decimal comma, no-break space between thousands, and a
-- real minus sign (U+2212), e.g. marts.format_sv(-1234.56, 1) = '−1 234,6'.
CREATE OR REPLACE MACRO marts.format_sv(x, decimals) AS
    replace(replace(replace(
        format('{:,.{}f}', marts.round_display(x, decimals), decimals),
        ',', chr(160)), '.', ','), '-', chr(8722));

-- marts.goal_status with the numbers rounded to the indicator's decimals and as Swedish text. A share
-- target (unit 'share', a value 0-1) is shown in percent in the text columns: 0.343 is '34,3 %', and
-- its gap in percentage points.
CREATE OR REPLACE VIEW marts.goal_status_display AS
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
    goal_order,
    target_order
FROM shown;
