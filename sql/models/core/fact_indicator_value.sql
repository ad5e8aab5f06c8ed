-- The current value of every municipality, indicator and year: the latest vintage, unless withdrawn, of
-- indicators still in a plan.

SELECT * FROM core.fact_indicator_value_at(TIMESTAMPTZ 'infinity')
