-- Optional, for a PostgreSQL Superset metadata database: rlsq reloads its policy at once when Superset changes
-- roles, users, permissions, datasets or RLS filters, instead of at its next poll.
--
-- Each table rlsq reads gets a statement-level trigger that sends NOTIFY rlsq_policy (delivered when the writing
-- transaction commits; nothing is sent for a rolled-back one). rlsq LISTENs on the connection it polls with, so
-- the poll interval remains the fallback (a lost connection, a server restart).
--
--   psql "$SUPERSET_DATABASE_URI" -f scripts/superset-notify-trigger.sql
--
-- Re-running it is harmless; DROP FUNCTION rlsq_policy_changed() CASCADE removes it all. Run it again after
-- `superset db upgrade` if a migration recreated a table (group tables arrive with Flask-AppBuilder 4.6).
CREATE OR REPLACE FUNCTION rlsq_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rlsq_policy', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['dbs', 'tables', 'ab_role', 'ab_user', 'ab_user_role', 'ab_permission', 'ab_view_menu',
                           'ab_permission_view', 'ab_permission_view_role', 'row_level_security_filters',
                           'rls_filter_roles', 'rls_filter_tables', 'ab_group', 'ab_user_group', 'ab_group_role']
  LOOP
    IF to_regclass(t) IS NOT NULL THEN
      EXECUTE format('DROP TRIGGER IF EXISTS rlsq_policy_changed ON %I', t);
      EXECUTE format('CREATE TRIGGER rlsq_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                     'FOR EACH STATEMENT EXECUTE FUNCTION rlsq_policy_changed()', t);
    END IF;
  END LOOP;
END
$$;
