-- The peer set staged for plan $plan_id (core.peer_set): what Kolada and SCB are asked for while
-- Kolada's municipality list and the peers asked for are unchanged.
SELECT municipality_code, role FROM core.peer_set WHERE plan_id = $plan_id ORDER BY municipality_code;
