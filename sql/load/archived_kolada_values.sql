-- The Kolada data payloads a published refresh archived (for benchmarks/scale.py, which stages them
-- again): sha256, URL, retrieval time, size and licence, one row per request.
SELECT sha256, location, CAST(retrieved_at AS VARCHAR), size_bytes, licence
FROM raw.payload
WHERE source = 'kolada' AND dataset = 'kolada_values'
ORDER BY location
