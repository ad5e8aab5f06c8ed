-- Warehouses published before the time model (observed_at, complete, withdrawn, pending and overdue
-- years) get the new columns here; `CREATE TABLE IF NOT EXISTS` in 30_core.sql leaves an existing
-- table as it was. Every statement is idempotent.
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS year_from_periods VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS preliminary_periods INTEGER;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS publication_lag_days INTEGER;

ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS complete BOOLEAN DEFAULT true;
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
ALTER TABLE core.indicator_value_vintage ADD COLUMN IF NOT EXISTS withdrawn BOOLEAN DEFAULT false;
-- Before, a vintage counted from its retrieval time: that is what was observed then.
UPDATE core.indicator_value_vintage SET observed_at = retrieved_at WHERE observed_at IS NULL;

ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS failing_years INTEGER[];
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS pending_years INTEGER[];
ALTER TABLE core.target_assessment ADD COLUMN IF NOT EXISTS overdue_years INTEGER[];
ALTER TABLE core.target_year_status ADD COLUMN IF NOT EXISTS complete BOOLEAN;

ALTER TABLE staging.filedrop_safety_survey ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
ALTER TABLE staging.filedrop_financial_statements ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
ALTER TABLE staging.filedrop_self_build_plots ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
ALTER TABLE staging.filedrop_sellable_land ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
