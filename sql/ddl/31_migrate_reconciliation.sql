-- Warehouses published before reconciliations had a kind have core.dim_indicator without the columns
-- 30_core.sql now creates after reconcile_tolerance (CREATE TABLE IF NOT EXISTS leaves an existing table
-- as it is). Add them; on a warehouse created by 30_core.sql this changes nothing. reconcile_tolerance
-- was the table's last column, so they land in the same place and order as in a new warehouse.
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_kind VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_reason VARCHAR;
ALTER TABLE core.dim_indicator ADD COLUMN IF NOT EXISTS reconcile_expected_difference DOUBLE;
