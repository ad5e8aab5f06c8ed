-- latest_vintage_at(known_at TIMESTAMPTZ): the latest vintage of every row as known at known_at,
-- withdrawals included.

-- The current value of every series, and the value as known at any past moment (docs/target-rules.md,
-- "Vintages"). The latest vintage is the one observed last (ties: loaded last); a withdrawn latest
-- vintage means the source no longer sends the row, so it has no current value. Indicators no longer in
-- any plan's catalogue are retired: their history stays in core.indicator_value_vintage, but they have
-- no current value and are not checked.
CREATE OR REPLACE MACRO core.latest_vintage_at(known_at) AS TABLE
SELECT *
FROM core.indicator_value_vintage
WHERE observed_at <= known_at
QUALIFY row_number() OVER (
    PARTITION BY municipality_code, indicator_id, year ORDER BY observed_at DESC, loaded_at DESC
) = 1;
