-- The current sellable_land file replaces the previous one (a drop is the complete current version of its kind).
DELETE FROM staging.filedrop_sellable_land;
INSERT INTO staging.filedrop_sellable_land BY NAME SELECT * FROM incoming;
