-- Replace one source's load record (incoming_load: one row; incoming_input: its inputs, maybe none).
DELETE FROM meta.source_input WHERE source_key IN (SELECT source_key FROM incoming_load);
DELETE FROM meta.source_load WHERE source_key IN (SELECT source_key FROM incoming_load);
INSERT INTO meta.source_load BY NAME SELECT * FROM incoming_load;
INSERT INTO meta.source_input BY NAME SELECT * FROM incoming_input;
