-- Goals that serve a goal their parent plan does not have, where the warehouse holds that parent
-- (a plan refreshed on its own under a parent refreshed earlier): plan, goal, the goal it names, the
-- parent and the parent's goals in their order.
SELECT
    child.plan_id,
    child.goal_id,
    child.serves_goal_id,
    plan.parent_plan_id,
    (SELECT string_agg(g.goal_id, ', ' ORDER BY g.goal_order) FROM core.dim_goal AS g WHERE g.plan_id = plan.parent_plan_id)
        AS parent_goals
FROM core.dim_goal AS child
JOIN core.dim_plan AS plan ON plan.plan_id = child.plan_id
WHERE child.serves_goal_id IS NOT NULL
    AND plan.parent_plan_id IN (SELECT plan_id FROM core.dim_plan)
    AND NOT EXISTS (
        SELECT 1 FROM core.dim_goal AS g WHERE g.plan_id = plan.parent_plan_id AND g.goal_id = child.serves_goal_id
    )
ORDER BY child.plan_id, child.goal_order;
