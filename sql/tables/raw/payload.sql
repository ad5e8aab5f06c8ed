-- One row per archived payload and origin: every byte the pipeline read is in the content-addressed
-- archive; a row's raw_sha256 elsewhere leads here.

-- One row per archived payload and origin. The bytes themselves are in the content-addressed
-- archive (objects/<aa>/<sha256>); a fact row's raw_sha256 leads here and from here to the bytes.
CREATE TABLE IF NOT EXISTS raw.payload (
    sha256        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,   -- kolada | scb | filedrop
    dataset       VARCHAR NOT NULL,   -- the source asset that fetched it
    location      VARCHAR NOT NULL,   -- URL, or file name for file drops
    http_status   INTEGER,
    retrieved_at  TIMESTAMPTZ NOT NULL,
    size_bytes    BIGINT NOT NULL,
    licence       VARCHAR NOT NULL,
    PRIMARY KEY (sha256, location)
);
