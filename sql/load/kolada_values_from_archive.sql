-- Kolada's data answers parsed in bulk (loaded by replace_kolada_values.sql): DuckDB reads the archived bodies themselves (the
-- files named by the variable kolada_value_files), one row per value object (every gender), with the
-- page's sha256, URL and retrieval time from `kolada_pages` (sha256, url, retrieved_at, path: one row
-- per request, the same body may answer two). Types are checked as the wire format defines them
-- (kpi and municipality strings, period an integer year, value a number or null (read natively, a
-- JSON null and an absent value are both NULL: missing, never 0), status a string or null, isdeleted /
-- is_deleted true, false or null, count an integer or null); any other shape stops
-- the load (replace_kolada_values.sql) and the caller names the page, field and value (kolada.parse_values).
WITH page AS (
    -- read_json parses each body natively into the v3 shape, every leaf kept as JSON so that its type
    -- can be checked (a body that is not JSON, or whose values are not objects and lists where the
    -- shape has them, fails the read)
    SELECT p.sha256, p.url, p.retrieved_at, o."values" AS items, count(*) OVER (PARTITION BY o.filename) AS documents
    FROM read_json(
        getvariable('kolada_value_files'), format = 'unstructured', filename = true,
        columns = {'values': 'STRUCT(kpi JSON, municipality JSON, period JSON, "values" STRUCT(gender JSON, count JSON, status JSON, value JSON, isdeleted JSON, is_deleted JSON)[])[]'}
    ) AS o
    JOIN (SELECT sha256, any_value(url) AS url, any_value(retrieved_at) AS retrieved_at, any_value(path) AS path
          FROM kolada_pages GROUP BY sha256) AS p ON p.path = o.filename
),
item AS (
    SELECT sha256, url, retrieved_at, documents = 1 AND items IS NOT NULL AS page_ok,
           unnest(coalesce(items, [NULL])) AS item
    FROM page
),
entry AS (
    SELECT *,
           json_type(item.kpi) = 'VARCHAR' AND json_type(item.municipality) = 'VARCHAR'
               AND json_type(item.period) IN ('BIGINT', 'UBIGINT') AND item."values" IS NOT NULL AS item_ok,
           unnest(coalesce(item."values", [NULL])) AS entry
    FROM item
)
SELECT
    json_extract_string(item.kpi, '$') AS kpi_id,
    json_extract_string(item.municipality, '$') AS municipality_code,
    CAST(item.period AS INTEGER) AS year,
    json_extract_string(entry.gender, '$') AS gender,
    CAST(entry.value AS DOUBLE) AS value,
    json_extract_string(entry.status, '$') AS status,
    CAST(coalesce(entry.is_deleted, entry.isdeleted) AS BOOLEAN) AS is_deleted,
    CAST(entry.count AS INTEGER) AS member_count,
    sha256 AS raw_sha256,
    url AS source_url,
    CAST(retrieved_at AS TIMESTAMPTZ) AS retrieved_at,
    coalesce(page_ok AND item_ok AND entry IS NOT NULL
        AND json_type(entry.gender) = 'VARCHAR'
        AND coalesce(json_type(entry.value), 'NULL') IN ('NULL', 'DOUBLE', 'BIGINT', 'UBIGINT')
        AND coalesce(json_type(entry.status), 'NULL') IN ('NULL', 'VARCHAR')
        AND coalesce(json_type(entry.is_deleted), json_type(entry.isdeleted), 'NULL') IN ('NULL', 'BOOLEAN')
        AND coalesce(json_type(entry.count), 'NULL') IN ('NULL', 'BIGINT', 'UBIGINT'), false) AS wire_ok
FROM entry
