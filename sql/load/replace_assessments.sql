-- Replace one plan's assessments (incoming_* are registered by the loader).
DELETE FROM core.target_assessment WHERE plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_assessment BY NAME SELECT * FROM incoming_assessment;

DELETE FROM core.target_year_status WHERE plan_id IN (SELECT DISTINCT plan_id FROM incoming_assessment);
INSERT INTO core.target_year_status BY NAME SELECT * FROM incoming_year_status;
