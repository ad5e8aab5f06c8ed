-- Record one validation (assets/checks.py): `results` has one row per expectation, `report` one row.
-- A re-run of the same check in the same run replaces its earlier record.
DELETE FROM meta.validation_result AS v
WHERE EXISTS (SELECT 1 FROM report AS r WHERE r.run_id = v.run_id AND r.suite = v.suite);
DELETE FROM meta.validation_run AS v
WHERE EXISTS (SELECT 1 FROM report AS r WHERE r.run_id = v.run_id AND r.suite = v.suite);
INSERT INTO meta.validation_result BY NAME SELECT * FROM results;
INSERT INTO meta.validation_run BY NAME SELECT * FROM report;
