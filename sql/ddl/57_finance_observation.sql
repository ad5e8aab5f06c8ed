-- The plan's finance measures, computed from the city's statement lines (file drop
-- financial_statements, mnkr), and Kolada's tax base in mnkr to reconcile the denominator with.
-- A computed indicator names source_id 'financial_statements' or 'kolada_amounts' and
-- source_selection 'measure=<name>' in the plan file. A missing line makes the measure NULL (never 0).
--
--   result_adjusted_mnkr          result - exploatering_result - items_affecting_comparability - extraordinary_items
--   tax_grants_equalisation_mnkr  tax_revenue + general_grants_equalisation
--   result_adjusted_share         result_adjusted_mnkr / tax_grants_equalisation_mnkr × 100
--   self_financing_city           cash_flow_operations / investments × 100
--   soliditet_city                (equity - pension_obligations_pre1998_contingent)
--                                 / (total_assets - internal_bank_loans_to_group) × 100
--   kolada_amounts: tax_grants_equalisation_mnkr = (N03010 + N03009) kr/inv × N01951 inhabitants / 1e6
CREATE OR REPLACE VIEW staging.finance_observation AS
WITH lines AS (
    SELECT
        year,
        max(amount_mnkr) FILTER (WHERE line_id = 'tax_revenue') AS tax_revenue,
        max(amount_mnkr) FILTER (WHERE line_id = 'general_grants_equalisation') AS general_grants_equalisation,
        max(amount_mnkr) FILTER (WHERE line_id = 'result') AS result,
        max(amount_mnkr) FILTER (WHERE line_id = 'exploatering_result') AS exploatering_result,
        max(amount_mnkr) FILTER (WHERE line_id = 'items_affecting_comparability') AS items_affecting_comparability,
        max(amount_mnkr) FILTER (WHERE line_id = 'extraordinary_items') AS extraordinary_items,
        max(amount_mnkr) FILTER (WHERE line_id = 'cash_flow_operations') AS cash_flow_operations,
        max(amount_mnkr) FILTER (WHERE line_id = 'investments') AS investments,
        max(amount_mnkr) FILTER (WHERE line_id = 'equity') AS equity,
        max(amount_mnkr) FILTER (WHERE line_id = 'total_assets') AS total_assets,
        max(amount_mnkr) FILTER (WHERE line_id = 'pension_obligations_pre1998_contingent') AS pension_obligations_pre1998_contingent,
        max(amount_mnkr) FILTER (WHERE line_id = 'internal_bank_loans_to_group') AS internal_bank_loans_to_group,
        bool_or(preliminary) AS preliminary,
        max(retrieved_at) AS retrieved_at,
        max(coalesce(observed_at, retrieved_at)) AS observed_at,
        max(raw_sha256) AS raw_sha256   -- one file: one sha256
    FROM staging.filedrop_financial_statements
    GROUP BY year
),
statement_measures AS (
    SELECT
        year, preliminary, retrieved_at, observed_at, raw_sha256,
        result - exploatering_result - items_affecting_comparability - extraordinary_items AS result_adjusted_mnkr,
        tax_revenue + general_grants_equalisation AS tax_grants_equalisation_mnkr,
        100 * (result - exploatering_result - items_affecting_comparability - extraordinary_items)
            / nullif(tax_revenue + general_grants_equalisation, 0) AS result_adjusted_share,
        100 * cash_flow_operations / nullif(investments, 0) AS self_financing_city,
        100 * (equity - pension_obligations_pre1998_contingent)
            / nullif(total_assets - internal_bank_loans_to_group, 0) AS soliditet_city
    FROM lines
),
kolada_amounts AS (
    SELECT
        municipality_code,
        year,
        (max(value) FILTER (WHERE kpi_id = 'N03010') + max(value) FILTER (WHERE kpi_id = 'N03009'))
            * max(value) FILTER (WHERE kpi_id = 'N01951') / 1e6 AS tax_grants_equalisation_mnkr,
        max(retrieved_at) AS retrieved_at,
        max(retrieved_at) AS observed_at,
        max(raw_sha256) AS raw_sha256
    FROM staging.kolada_values
    WHERE gender = 'T' AND kpi_id IN ('N03010', 'N03009', 'N01951') AND NOT coalesce(is_deleted, false)
    GROUP BY municipality_code, year
),
measure AS (
    SELECT 'financial_statements' AS source_id, CAST(NULL AS VARCHAR) AS municipality_code, year, measure, value,
           preliminary, retrieved_at, observed_at, raw_sha256
    FROM statement_measures
    UNPIVOT INCLUDE NULLS (value FOR measure IN (
        result_adjusted_mnkr, tax_grants_equalisation_mnkr, result_adjusted_share, self_financing_city, soliditet_city
    ))
    UNION ALL
    SELECT 'kolada_amounts', municipality_code, year, 'tax_grants_equalisation_mnkr', tax_grants_equalisation_mnkr,
           false, retrieved_at, observed_at, raw_sha256
    FROM kolada_amounts
)
SELECT DISTINCT
    coalesce(m.municipality_code, p.municipality_code) AS municipality_code,
    d.indicator_id,
    m.year,
    CAST(m.value AS DOUBLE) AS value,
    d.unit,
    m.preliminary,
    true AS complete,
    'computed' AS source,
    m.source_id,
    CAST(NULL AS VARCHAR) AS source_status,
    m.retrieved_at,
    m.observed_at,
    m.raw_sha256,
    false AS withdrawn
FROM measure AS m
JOIN core.dim_indicator AS d
    ON d.source = 'computed' AND d.source_id = m.source_id AND d.source_selection = 'measure=' || m.measure
JOIN core.dim_plan AS p ON p.plan_id = d.plan_id;
