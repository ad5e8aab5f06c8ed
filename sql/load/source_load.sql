-- The last load of one source ($source_key): its run and fingerprint, one row per input (a source
-- loaded from nothing, e.g. a file-drop kind with no file, has one row with NULL input columns).
SELECT l.run_id, l.fingerprint, i.dataset, i.location, i.sha256
FROM meta.source_load AS l
LEFT JOIN meta.source_input AS i USING (source_key)
WHERE l.source_key = $source_key;
