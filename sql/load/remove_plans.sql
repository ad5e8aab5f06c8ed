-- Remove the plans in `removed_plan` (plan_id) from the warehouse (`refresh --remove-plan ID`): their
-- catalogue, peer set, statuses and status history. The values their indicators were loaded with stay:
-- they are facts about municipalities, not about a plan, and another plan may read them.
DELETE FROM core.dim_plan WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.dim_indicator WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.dim_goal WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.dim_target WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.goal_context_indicator WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.index_component WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.plan_source WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.peer_set WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.target_assessment WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.target_year_status WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.target_assessment_method WHERE plan_id IN (SELECT plan_id FROM removed_plan);
DELETE FROM core.target_assessment_history WHERE plan_id IN (SELECT plan_id FROM removed_plan);
