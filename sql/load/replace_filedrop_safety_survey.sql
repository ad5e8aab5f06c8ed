-- The current safety_survey file replaces the previous one (a drop is the complete current version of its kind).
DELETE FROM staging.filedrop_safety_survey;
INSERT INTO staging.filedrop_safety_survey BY NAME SELECT * FROM incoming;
