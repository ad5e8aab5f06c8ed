-- File drops (indicator_pipeline/filedrop): the current file of each kind, as read and checked.
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

CREATE TABLE IF NOT EXISTS staging.filedrop_financial_statements (
    year              INTEGER NOT NULL,
    line_id           VARCHAR NOT NULL,
    line              VARCHAR NOT NULL,
    amount_mnkr       DOUBLE NOT NULL,    -- million kronor, as the statements show it (may be negative)
    preliminary       BOOLEAN NOT NULL,
    reported_on       DATE,
    source_file       VARCHAR NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    retrieved_at      TIMESTAMPTZ NOT NULL,
    observed_at       TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year, line_id)
);

CREATE TABLE IF NOT EXISTS staging.filedrop_self_build_plots (
    year               INTEGER NOT NULL,
    self_build_starts  INTEGER NOT NULL,
    plots_sold         INTEGER,
    preliminary        BOOLEAN NOT NULL,
    reported_on        DATE,
    source_file        VARCHAR NOT NULL,
    raw_sha256         VARCHAR NOT NULL,
    retrieved_at       TIMESTAMPTZ NOT NULL,
    observed_at        TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year)
);

CREATE TABLE IF NOT EXISTS staging.filedrop_sellable_land (
    year              INTEGER NOT NULL,
    area              VARCHAR NOT NULL,
    hectares          DOUBLE NOT NULL,
    preliminary       BOOLEAN NOT NULL,
    reported_on       DATE,
    source_file       VARCHAR NOT NULL,
    raw_sha256        VARCHAR NOT NULL,
    retrieved_at      TIMESTAMPTZ NOT NULL,
    observed_at       TIMESTAMPTZ,        -- when this file became the current one of its kind
    PRIMARY KEY (year, area)
);
