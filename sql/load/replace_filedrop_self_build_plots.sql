-- The current self_build_plots file replaces the previous one (a drop is the complete current version of its kind).
DELETE FROM staging.filedrop_self_build_plots;
INSERT INTO staging.filedrop_self_build_plots BY NAME SELECT * FROM incoming;
