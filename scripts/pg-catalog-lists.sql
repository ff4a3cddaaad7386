-- The database model's lists for an rlsq policy (README "Security", sections 1 and 3): every user relation,
-- function, operator and type, as one JSON object whose keys are the policy keys `relations`, `functions`,
-- `operators` and `types`. Run it as the role the queries run as, on the database they run on, and merge the
-- object into the policy document:
--   psql -X -At -d DB -f scripts/pg-catalog-lists.sql
-- A user schema is any schema but pg_* and information_schema. An empty list is written [] (known to be empty).
SELECT json_build_object(
  'relations', COALESCE((SELECT json_agg(format('%I.%I', n.nspname, c.relname) ORDER BY n.nspname, c.relname)
                           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                          WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')
                            AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'), '[]'),
  'functions', COALESCE((SELECT json_agg(DISTINCT format('%I.%I', n.nspname, p.proname))
                           FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'), '[]'),
  'operators', COALESCE((SELECT json_agg(DISTINCT format('%I.%s', n.nspname, o.oprname))
                           FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
                          WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'), '[]'),
  'types', COALESCE((SELECT json_agg(DISTINCT format('%I.%I', n.nspname, t.typname))
                       FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                      WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'), '[]'));
