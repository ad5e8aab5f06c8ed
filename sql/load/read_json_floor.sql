-- The floor parse + load is compared with (benchmarks/scale.py): DuckDB's own read_json over the same
-- archived Kolada bodies (the variable `files`), every value object unnested, counted.
SELECT count(*)
FROM (
    SELECT unnest(item."values") AS entry
    FROM (SELECT unnest("values") AS item FROM read_json(getvariable('files'), format = 'auto'))
)
