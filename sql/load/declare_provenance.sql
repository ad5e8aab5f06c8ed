-- The run's declarations (`incoming_provenance`, the columns of core.declared_provenance): those of the
-- snapshot it replays, none for a live or recording run, so a live figure is never declared.
DELETE FROM core.declared_provenance;
INSERT INTO core.declared_provenance BY NAME SELECT * FROM incoming_provenance;
