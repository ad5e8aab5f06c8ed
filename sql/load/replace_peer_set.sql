-- Kolada's municipality list (`incoming_municipalities`) and the run's peer set (`incoming_peer_set`:
-- plan_id, municipality_code, role, requested_as), named from the list. The sets of plans not in the run stay.
DELETE FROM staging.kolada_municipality;
INSERT INTO staging.kolada_municipality BY NAME SELECT * FROM incoming_municipalities;

DELETE FROM core.peer_set WHERE plan_id IN (SELECT plan_id FROM incoming_peer_set);
INSERT INTO core.peer_set BY NAME
SELECT s.plan_id, s.municipality_code, m.municipality_name, s.role, s.requested_as
FROM incoming_peer_set AS s
JOIN staging.kolada_municipality AS m USING (municipality_code);
