-- Load the value objects parsed from the archived answers (`incoming`: kolada_values_from_archive.sql;
-- wire_ok false where a value object does not have the v3 wire format, which stops the load), and what
-- each request asked for (`kolada_pages`: sha256, url, retrieved_at).
SELECT CASE WHEN count(*) > 0 THEN error('kolada: ' || count(*) || ' value object(s) do not have the v3 wire format, e.g. in '
                                          || any_value(source_url)) END
FROM incoming WHERE NOT wire_ok;

DELETE FROM staging.kolada_values;
INSERT INTO staging.kolada_values BY NAME SELECT * EXCLUDE (wire_ok) FROM incoming;

-- What each data request covered, from its URL path data/kpi/{ids}/municipality/{ids}/year/{years}:
-- one row per KPI, municipality and year asked for. Kolada leaves out rows without data, so only the
-- request says that a year was asked for and not sent.
DELETE FROM staging.kolada_coverage;
INSERT INTO staging.kolada_coverage BY NAME
WITH asked AS (
    SELECT sha256, retrieved_at, url,
           regexp_extract(url_decode(url), '/data/kpi/([^/?]+)/municipality/([^/?]+)/year/([^/?]+)',
                          ['kpis', 'municipalities', 'years']) AS parts
    FROM kolada_pages
)
SELECT
    kpi_id, municipality_code, CAST(year AS INTEGER) AS year, sha256 AS raw_sha256,
    CAST(retrieved_at AS TIMESTAMPTZ) AS retrieved_at
FROM asked,
    unnest(string_split(CASE WHEN parts.kpis = '' THEN error('kolada: not a data URL (data/kpi/.../municipality/.../year/...): ' || url)
                             ELSE parts.kpis END, ',')) AS k(kpi_id),
    unnest(string_split(parts.municipalities, ',')) AS m(municipality_code),
    unnest(string_split(parts.years, ',')) AS y(year);
