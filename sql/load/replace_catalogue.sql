-- Replace one plan's catalogue dimensions (incoming_* are registered by the loader).
DELETE FROM core.dim_plan WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.dim_plan BY NAME SELECT * FROM incoming_plan;

DELETE FROM core.dim_indicator WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.dim_indicator BY NAME SELECT * FROM incoming_indicator;

DELETE FROM core.dim_goal WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.dim_goal BY NAME SELECT * FROM incoming_goal;

DELETE FROM core.dim_target WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.dim_target BY NAME SELECT * FROM incoming_target;

DELETE FROM core.goal_context_indicator WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.goal_context_indicator BY NAME SELECT * FROM incoming_context;

DELETE FROM core.index_component WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.index_component BY NAME SELECT * FROM incoming_index_component;

DELETE FROM core.plan_source WHERE plan_id IN (SELECT plan_id FROM incoming_plan);
INSERT INTO core.plan_source BY NAME SELECT * FROM incoming_plan_source;
