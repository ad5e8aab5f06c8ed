-- Plans above plans: every target under the top-level goal it rolls up to (a parent plan's goal, e.g. one of
-- the city's directions -> the board's goal that serves it -> a unit's goal that serves that -> its target),
-- with the target's status. E.g. SELECT direction_title, status, count(*) FROM marts.goal_tree GROUP BY ALL.

-- One row per target of a goal, with the top-level goal it rolls up to (the direction_* columns), found by
-- following `serves` up through the parent plans (`[plan] parent`) as far as the loaded goals go:
--   - the goal reached last is in a plan without a parent: it is the top-level goal, and depth is the number
--     of steps up (0: a top-level goal's own target);
--   - else the way up stops at a goal whose plan has a parent: its `serves` names no goal of the loaded
--     parent, or the parent is not refreshed into this warehouse, or it serves nothing. The row then keeps
--     the parent's plan id and the `serves` id (NULL when it serves nothing) with a NULL direction_title
--     (and direction_plan_title when the parent is not loaded), one step further up;
--   - a target of kind none of a goal that other goals serve is followed through theirs and not shown itself,
--     so a direction no goal serves (one target, kind none) still appears once, as no_numeric_target; a plan
--     with neither parent nor children (another municipality's board) shows its goals at the top level.
-- A chain of plans that leads back to itself is followed once round.
WITH RECURSIVE goal AS (
    SELECT g.plan_id, p.title AS plan_title, p.parent_plan_id, g.goal_id, g.title, g.level, g.goal_order, g.serves_goal_id
    FROM core.dim_goal AS g
    JOIN core.dim_plan AS p ON p.plan_id = g.plan_id
),
served AS (
    SELECT DISTINCT parent_plan_id AS plan_id, serves_goal_id AS goal_id FROM goal WHERE serves_goal_id IS NOT NULL
),
-- Each goal (plan_id, goal_id) and every goal above it (at_*), depth steps up.
up AS (
    SELECT plan_id, goal_id, plan_id AS at_plan_id, goal_id AS at_goal_id, 0 AS depth, [plan_id] AS plans_seen
    FROM goal
    UNION ALL
    SELECT up.plan_id, up.goal_id, above.plan_id, above.goal_id, up.depth + 1, list_append(up.plans_seen, above.plan_id)
    FROM up
    JOIN goal AS here ON here.plan_id = up.at_plan_id AND here.goal_id = up.at_goal_id
    JOIN goal AS above ON above.plan_id = here.parent_plan_id AND above.goal_id = here.serves_goal_id
    WHERE NOT list_contains(up.plans_seen, above.plan_id)
),
highest AS (
    SELECT * FROM up QUALIFY row_number() OVER (PARTITION BY plan_id, goal_id ORDER BY depth DESC) = 1
),
branch AS (
    SELECT
        reached.parent_plan_id IS NULL AS at_top,
        CASE WHEN at_top THEN highest.depth ELSE highest.depth + 1 END AS depth,
        CASE WHEN at_top THEN reached.plan_id ELSE reached.parent_plan_id END AS direction_plan_id,
        CASE WHEN at_top THEN reached.plan_title ELSE parent_plan.title END AS direction_plan_title,
        CASE WHEN at_top THEN reached.goal_id ELSE reached.serves_goal_id END AS direction_goal_id,
        CASE WHEN at_top THEN reached.title END AS direction_title,
        CASE WHEN at_top THEN reached.goal_order END AS direction_order,
        EXISTS (SELECT 1 FROM served AS s WHERE s.plan_id = own.plan_id AND s.goal_id = own.goal_id) AS is_served,
        own.*
    FROM highest
    JOIN goal AS own ON own.plan_id = highest.plan_id AND own.goal_id = highest.goal_id
    JOIN goal AS reached ON reached.plan_id = highest.at_plan_id AND reached.goal_id = highest.at_goal_id
    LEFT JOIN core.dim_plan AS parent_plan ON parent_plan.plan_id = reached.parent_plan_id
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
WHERE NOT (b.is_served AND s.target_kind = 'none')
