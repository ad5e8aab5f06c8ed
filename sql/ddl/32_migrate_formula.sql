-- Warehouses published before computed measures had a plan formula have core.dim_indicator without
-- the columns 30_core.sql now creates last. Add them; on a warehouse created by 30_core.sql this
-- changes nothing. They were the table's last columns, so they land in the same place and order.
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS formula_inputs VARCHAR[];
