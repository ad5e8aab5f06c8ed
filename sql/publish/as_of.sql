-- The date the published statuses were assessed as of.
SELECT strftime(max(as_of), '%Y-%m-%d') AS as_of FROM marts.goal_status
