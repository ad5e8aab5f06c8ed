-- The current financial_statements file replaces the previous one (a drop is the complete current version of its kind).
DELETE FROM staging.filedrop_financial_statements;
INSERT INTO staging.filedrop_financial_statements BY NAME SELECT * FROM incoming;
