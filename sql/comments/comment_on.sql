-- The one statement the column dictionary (sql/dictionary.toml) is applied with, once per table, view,
-- macro and column (indicator_pipeline/warehouse/dictionary.py fills it in; {kind} is TABLE, VIEW,
-- COLUMN, MACRO or MACRO TABLE, {name} the quoted object or column, {text} the quoted comment).
COMMENT ON {kind} {name} IS {text};
