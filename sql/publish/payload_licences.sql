-- Every source the published warehouse holds payloads from, with the licences they were archived under.
SELECT source, licence
FROM raw.payload
GROUP BY source, licence
ORDER BY source, licence
