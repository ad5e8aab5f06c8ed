-- Every indicator of every plan the warehouse holds (core.dim_indicator): a plan left out of a run keeps
-- its catalogue and its values, which the fact table's checks must then allow.
SELECT DISTINCT indicator_id FROM core.dim_indicator ORDER BY indicator_id;
