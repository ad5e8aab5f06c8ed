-- The current safety_survey file drop as read and checked (docs/file-drops.md): the city survey's key
-- figures per year and respondent group.

-- File drops (indicator_pipeline/filedrop): the current file of each kind, as read and checked; the
-- same holds for staging.filedrop_financial_statements, _self_build_plots and _sellable_land.
-- Each table holds exactly one file's rows (a drop is always the complete current version of its
-- kind) and is replaced when a new current file is loaded; with no file of a kind in the landing
-- folder, or when a new file is rejected, the previously loaded rows stay.
-- Columns: the kind's format in indicator_pipeline/filedrop/formats.toml (year first, preliminary and
-- reported_on last), then the file name, the archived bytes' sha256, when they were first archived, and
-- when the file became the current one of its kind (observed_at: a re-sent file, or an older file that is
-- current again because the newer one was deleted, is observed anew).
CREATE TABLE IF NOT EXISTS staging.filedrop_safety_survey (
    year              INTEGER NOT NULL,
    key_figure_id     VARCHAR NOT NULL,
    key_figure        VARCHAR NOT NULL,
    respondent_group  VARCHAR NOT NULL,   -- invånare | företag
    value             DOUBLE NOT NULL,
    unit              VARCHAR NOT NULL,   -- percent | index
    preliminary       BOOLEAN NOT NULL,
    reported_on       DATE,
    source_file       VARCHAR NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    retrieved_at      TIMESTAMPTZ NOT NULL,
    observed_at       TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year, key_figure_id, respondent_group)
);

-- Upgrades: a warehouse published before these columns existed gets them here (CREATE TABLE IF NOT
-- EXISTS leaves an existing table as it is); each statement is idempotent, and the columns land last,
-- in the order the CREATE above lists them.
ALTER TABLE staging.filedrop_safety_survey ADD COLUMN IF NOT EXISTS observed_at TIMESTAMPTZ;
