-- A replayed snapshot's declarations (`incoming_provenance`, the columns of core.declared_provenance)
-- replace what was declared before about the same payloads; other payloads' declarations stay.
DELETE FROM core.declared_provenance
WHERE payload_sha256 IN (SELECT payload_sha256 FROM incoming_provenance);
INSERT INTO core.declared_provenance BY NAME SELECT * FROM incoming_provenance;
