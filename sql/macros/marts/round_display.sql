-- round_display(x, decimals): x rounded half away from zero to decimals, as round(x * 10^decimals) /
-- 10^decimals; -0.0 becomes 0.

-- Display helpers for BI (the rounding policy is in the README, "The warehouse for BI users").
-- Values are stored unrounded. Display rounds half away from zero at the indicator's `decimals`:
-- marts.round_display(x, d) = round(x * 10^d) / 10^d (DuckDB's round() of a DOUBLE without a precision
-- rounds half away from zero; round(x, d) needs a constant d, so the scaling is spelled out). The half
-- is judged on the scaled double: 0.35 -> 0.4, -0.25 -> -0.3, 2.675 -> 2.68, but 1.005 -> 1.0
-- (1.005 * 100 is 100.49999999999999 in binary). -0.0 comes out as 0.
CREATE OR REPLACE MACRO marts.round_display(x, decimals) AS
    round(x * pow(10, decimals)) / pow(10, decimals) + 0.0;
