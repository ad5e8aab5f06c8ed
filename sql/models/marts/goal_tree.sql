-- Plans above plans: every target under the top-level goal it rolls up to (a parent plan's goal, e.g. one of
-- the city's directions -> the board's goal that serves it -> its target), with the target's status. E.g.
-- SELECT direction_title, status, count(*) FROM marts.goal_tree GROUP BY ALL.

-- One row per target of a goal, with the top-level goal it rolls up to (the direction_* columns):
--   - a goal of a plan with a parent (`[plan] parent`) is under the parent's goal it serves (`serves`), depth 1;
--     a `serves` naming no goal of the loaded parent (or a parent not refreshed into this warehouse) keeps
--     its ids with a NULL direction_title (and direction_plan_title when the parent is not loaded); a goal
--     that serves nothing has NULL direction_goal_id and direction_title;
--   - a goal of a plan without a parent is a top-level goal: its own targets, depth 0, direction_* the goal
--     itself (a direction's trend verdict on its own indicators, kind direction), except a target of kind none
--     of a goal that goals of other plans serve: that goal is followed through theirs. A direction no goal
--     serves (one target, kind none) still appears once, as no_numeric_target; a plan with neither parent nor
--     children (another municipality's board) shows its goals and their statuses at the top level.
-- One level: a goal is shown under the goal it serves, not under that goal's own parent.
WITH goal AS (
    SELECT g.plan_id, p.title AS plan_title, p.parent_plan_id, g.goal_id, g.title, g.level, g.goal_order, g.serves_goal_id
    FROM core.dim_goal AS g
    JOIN core.dim_plan AS p ON p.plan_id = g.plan_id
),
served AS (
    SELECT DISTINCT parent_plan_id AS plan_id, serves_goal_id AS goal_id FROM goal WHERE serves_goal_id IS NOT NULL
),
branch AS (
    SELECT
        1 AS depth,
        child.parent_plan_id AS direction_plan_id,
        parent_plan.title AS direction_plan_title,
        child.serves_goal_id AS direction_goal_id,
        top.title AS direction_title,
        top.goal_order AS direction_order,
        child.*
    FROM goal AS child
    LEFT JOIN core.dim_plan AS parent_plan ON parent_plan.plan_id = child.parent_plan_id
    LEFT JOIN goal AS top ON top.plan_id = child.parent_plan_id AND top.goal_id = child.serves_goal_id
    WHERE child.parent_plan_id IS NOT NULL
    UNION ALL BY NAME
    SELECT
        0 AS depth,
        top.plan_id AS direction_plan_id,
        top.plan_title AS direction_plan_title,
        top.goal_id AS direction_goal_id,
        top.title AS direction_title,
        top.goal_order AS direction_order,
        EXISTS (SELECT 1 FROM served AS s WHERE s.plan_id = top.plan_id AND s.goal_id = top.goal_id) AS is_served,
        top.*
    FROM goal AS top
    WHERE top.parent_plan_id IS NULL
)
SELECT
    b.direction_plan_id,
    b.direction_plan_title,
    b.direction_goal_id,
    b.direction_title,
    b.depth,
    b.plan_id,
    b.plan_title,
    b.goal_id,
    b.title AS goal_title,
    b.level AS goal_level,
    s.target_id,
    s.target_text,
    s.target_kind,
    s.status,
    s.latest_year,
    s.latest_value,
    s.unit,
    s.decimals,
    s.municipality_code,
    s.as_of,
    b.direction_order,
    b.goal_order,
    s.target_order
FROM branch AS b
JOIN marts.goal_status AS s ON s.plan_id = b.plan_id AND s.goal_id = b.goal_id
WHERE NOT (b.depth = 0 AND b.is_served AND s.target_kind = 'none')
