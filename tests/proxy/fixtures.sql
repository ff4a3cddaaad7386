-- The proxy tests' database, after TPC-H (tpch_schema.sql + tests/support/tpch_data.sql) and pgbench -i: the roles,
-- the extra tables, and the service role. Run as the superuser. native_rls.sql then adds the grants and policies of
-- the policy users.
SET client_min_messages = warning;

-- The policy's users, as PostgreSQL roles with passwords: their pg_authid.rolpassword (SCRAM-SHA-256 verifiers) make
-- the proxy's users file, and the expected rows are what native RLS gives these roles.
CREATE ROLE alice LOGIN PASSWORD 'alice-pw';
CREATE ROLE carol LOGIN PASSWORD 'carol-pw';
CREATE ROLE admin LOGIN PASSWORD 'admin-pw';
CREATE ROLE dave LOGIN PASSWORD 'dave-pw';
-- In the users file (it can authenticate) but not in the policy: the proxy must refuse it (28000).
CREATE ROLE mallory LOGIN PASSWORD 'mallory-pw';

-- A second and a third schema holding a table named like a public one, with other rows: the proxy must follow
-- SET search_path. sales.region is granted to alice (with a filter), hidden.region to admin only.
CREATE SCHEMA sales;
CREATE TABLE sales.region (r_regionkey integer PRIMARY KEY, r_name char(25) NOT NULL, r_comment varchar(152));
INSERT INTO sales.region VALUES
  (10, 'NORTH POLE', 'sales: the north'), (11, 'ATLANTIS', 'sales: hidden from alice by a filter'),
  (12, 'LEMURIA', 'sales: the south'), (3, 'EUROPE (SALES)', 'sales: a key shared with public.region');
CREATE SCHEMA hidden;
CREATE TABLE hidden.region (r_regionkey integer PRIMARY KEY, r_name char(25) NOT NULL, r_comment varchar(152));
INSERT INTO hidden.region VALUES (20, 'SECRET', 'hidden: admin only'), (21, 'CLASSIFIED', 'hidden: admin only');

-- Mixed-case quoted names: a table, and columns, that exist only when quoted.
CREATE TABLE public."MixedCase" ("Id" integer PRIMARY KEY, "Region" text NOT NULL, "Amount" numeric(10, 2),
                                 "camelNote" text);
INSERT INTO public."MixedCase"
SELECT i, (ARRAY['EU', 'US', 'APAC'])[1 + i % 3], (i * 37 % 1000) / 4.0,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ' || i END
FROM generate_series(1, 300) AS i;

-- The canary: no query of the suite may change it, and it must be empty when the session ends. The service role is
-- deliberately over-privileged (it may write the canary, create tables in public, become alice), so that anything
-- the proxy let through would succeed and show, instead of failing on the server with the same error code.
CREATE TABLE public.canary (id integer, note text);

CREATE ROLE rlsq_service LOGIN PASSWORD 'svcpw' BYPASSRLS;
SET password_encryption = 'md5';
CREATE ROLE rlsq_service_md5 LOGIN PASSWORD 'md5pw' BYPASSRLS;
RESET password_encryption;
CREATE ROLE rlsq_service_trust LOGIN BYPASSRLS;

GRANT USAGE ON SCHEMA public, sales, hidden TO rlsq_service, rlsq_service_md5, rlsq_service_trust;
GRANT SELECT ON ALL TABLES IN SCHEMA public, sales, hidden TO rlsq_service, rlsq_service_md5, rlsq_service_trust;
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON public.canary TO rlsq_service, rlsq_service_md5, rlsq_service_trust;
GRANT CREATE ON SCHEMA public TO rlsq_service;
GRANT alice TO rlsq_service;

RESET client_min_messages;
