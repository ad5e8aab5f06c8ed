-- When the given file became the current one of its kind, if it is the file staged for the kind now.
SELECT observed_at
FROM staging.filedrop_current_file
WHERE kind = $kind AND source_file = $file AND raw_sha256 = $sha256;
