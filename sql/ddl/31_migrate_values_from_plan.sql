-- Warehouses published before computed measures had a plan formula, and file-drop indicators a value
-- column, have core.dim_indicator without the columns 30_core.sql now creates last. Add them; on a
-- warehouse created by 30_core.sql this changes nothing. They are the table's last columns, so they
-- land in the same place and order as in a new warehouse.
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula_inputs VARCHAR[];
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS value_column VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS year_from_rows VARCHAR;
