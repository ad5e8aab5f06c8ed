-- The municipalities the run asked Kolada and SCB for, per plan: the plan's own, its peers (the plan
-- file's [peers], or --peers / INDICATOR_PEERS) and the reference rows Riket and the county. Replaced
-- every run; marts.peer_comparison compares within it.

-- The municipalities the run asked the sources for, per plan: the plan's own, its peers ([peers] in
-- the plan file, or --peers / INDICATOR_PEERS) and the reference rows (Riket, the county). Replaced on
-- every run; marts.peer_comparison compares within it.
CREATE TABLE IF NOT EXISTS core.peer_set (
    plan_id            VARCHAR NOT NULL,
    municipality_code  VARCHAR NOT NULL,
    municipality_name  VARCHAR NOT NULL,
    role               VARCHAR NOT NULL,   -- own | peer | reference
    requested_as       VARCHAR NOT NULL,   -- what was asked for: codes, a group id, all or none
    PRIMARY KEY (plan_id, municipality_code)
);
