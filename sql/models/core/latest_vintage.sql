-- The latest vintage of every row (observed last; ties: loaded last), withdrawals included.

SELECT * FROM core.latest_vintage_at(TIMESTAMPTZ 'infinity')
