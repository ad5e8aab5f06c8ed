-- Layers of the warehouse: raw payload register, staging (as parsed), core (conformed), marts (for BI),
-- meta (run and quality bookkeeping).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;
