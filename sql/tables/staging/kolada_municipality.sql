-- Kolada's municipality list (/v3/municipality) as sent, replaced every run: every municipality (type K)
-- and region (type L, Riket 0000 included) the peer set is checked against and named from.

-- Kolada's municipality list (/v3/municipality) as sent, replaced on every run: names and types of
-- every municipality (K) and region (L, Riket 0000 included) the peer set is checked against.
CREATE TABLE IF NOT EXISTS staging.kolada_municipality (
    municipality_code  VARCHAR NOT NULL,
    municipality_name  VARCHAR NOT NULL,
    kolada_type        VARCHAR NOT NULL,   -- K municipality, L region (and Riket)
    raw_sha256         VARCHAR NOT NULL
);
