-- What the replayed snapshot declares about its figures (docs/provenance.md): per payload (every value of
-- it) or per value of a payload, published, derived or illustrative; keyed by the payload's sha256.

-- Loaded from a replayed snapshot's snapshot.json (indicator_pipeline/provenance.py) by the step
-- declared_provenance, after the sources are staged, replacing what an earlier run declared (a live run leaves it empty). The observation views give each value the
-- provenance declared for its payload (and KPI or cell, and period); an undeclared payload (live, or a
-- recording that declares nothing) is the source's own figure ('source').
CREATE TABLE IF NOT EXISTS core.declared_provenance (
    payload_sha256     VARCHAR NOT NULL,   -- the archived payload (answer body or drop file) declared about
    source_id          VARCHAR,            -- Kolada KPI id or SCB table id; NULL: every value of the payload
    selection_key      VARCHAR,            -- 'gender=T' (Kolada) or SCB's cell selection 'k=v;k=v'
    period             VARCHAR,            -- the year (Kolada) or SCB's time code (2025K1)
    value_provenance   VARCHAR NOT NULL,   -- published | derived | illustrative
    reference          VARCHAR,            -- the snapshot's own words: where the figure is from or how it was made
    declared_in        VARCHAR NOT NULL    -- the snapshot's payload file (and the entries file) that declared it
);
