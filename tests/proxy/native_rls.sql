-- tests/proxy/policy.json as native PostgreSQL: grants for its permissions and row-level-security policies for its
-- filters, in the way of tests/rewriter/rls_differential_test.cc: per table one permissive policy that lets every
-- policy user read, then one restrictive policy per user and ANDed term of that user's predicate (Superset's
-- semantics: Regular filters apply to holders of their roles, Base filters to everyone else, filters sharing a
-- group_key are ORed). The expected rows of the differential tests are what these roles read on the server.
--
--   user   roles                              data access (policy)                 native grants
--   alice  Gamma, Finance, EMEA, Sales        schema public, sales.region          public.*, sales.region
--   carol  Gamma, Finance, EMEA, Americas     schema public                        public.*
--   admin  Admin                              everything                           public.*, sales.*, hidden.*
--   dave   Auditor (Gamma + two datasets)     public.orders, public.lineitem       public.orders, public.lineitem
--
-- Keep this file and policy.json in step: test_differential.py's harness check compares both through the rlsq
-- library when it is built.
SET client_min_messages = warning;

GRANT USAGE ON SCHEMA public TO alice, carol, admin, dave;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO alice, carol, admin;
GRANT SELECT ON public.orders, public.lineitem TO dave;
GRANT USAGE ON SCHEMA sales TO alice, admin;
GRANT SELECT ON sales.region TO alice;
GRANT SELECT ON ALL TABLES IN SCHEMA sales TO admin;
GRANT USAGE ON SCHEMA hidden TO admin;
GRANT SELECT ON ALL TABLES IN SCHEMA hidden TO admin;

-- nation: emea_nations (EMEA) and americas_nations (Americas) share group_key "region": ORed.
ALTER TABLE public.nation ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.nation AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public.nation AS RESTRICTIVE FOR SELECT TO alice USING ((n_regionkey IN (3, 4)));
CREATE POLICY carol_t0 ON public.nation AS RESTRICTIVE FOR SELECT TO carol
  USING ((n_regionkey IN (3, 4)) OR (n_regionkey = 1));

-- orders: no_urgent_for_finance (Finance).
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.orders AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public.orders AS RESTRICTIVE FOR SELECT TO alice USING ((o_orderpriority <> '1-URGENT'));
CREATE POLICY carol_t0 ON public.orders AS RESTRICTIVE FOR SELECT TO carol USING ((o_orderpriority <> '1-URGENT'));

-- customer: hide_household (Base: everyone but Admin).
ALTER TABLE public.customer ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.customer AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public.customer AS RESTRICTIVE FOR SELECT TO alice USING ((c_mktsegment <> 'HOUSEHOLD'));
CREATE POLICY carol_t0 ON public.customer AS RESTRICTIVE FOR SELECT TO carol USING ((c_mktsegment <> 'HOUSEHOLD'));
CREATE POLICY dave_t0 ON public.customer AS RESTRICTIVE FOR SELECT TO dave USING ((c_mktsegment <> 'HOUSEHOLD'));

-- supplier: finance_suppliers (Finance), a clause with a subquery; PostgreSQL applies nation's own policies inside
-- it, as rlsq filters the clause's tables for the caller.
ALTER TABLE public.supplier ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.supplier AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public.supplier AS RESTRICTIVE FOR SELECT TO alice
  USING ((s_nationkey IN (SELECT n_nationkey FROM public.nation WHERE n_name <> 'FRANCE')));
CREATE POLICY carol_t0 ON public.supplier AS RESTRICTIVE FOR SELECT TO carol
  USING ((s_nationkey IN (SELECT n_nationkey FROM public.nation WHERE n_name <> 'FRANCE')));

-- part: finance_brand (Finance), a template: p_brand <> {{ user_attr('hidden_brand', 'Brand#11') }}; alice's
-- attribute is Brand#23, carol has none (the default).
ALTER TABLE public.part ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.part AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public.part AS RESTRICTIVE FOR SELECT TO alice USING ((p_brand <> ('Brand#23')));
CREATE POLICY carol_t0 ON public.part AS RESTRICTIVE FOR SELECT TO carol USING ((p_brand <> ('Brand#11')));

-- lineitem: auditor_lineitem (Auditor).
ALTER TABLE public.lineitem ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public.lineitem AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY dave_t0 ON public.lineitem AS RESTRICTIVE FOR SELECT TO dave USING ((l_quantity < 45));

-- "MixedCase": mixed_case (Finance), a quoted column.
ALTER TABLE public."MixedCase" ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON public."MixedCase" AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON public."MixedCase" AS RESTRICTIVE FOR SELECT TO alice USING (("Region" <> 'EU'));
CREATE POLICY carol_t0 ON public."MixedCase" AS RESTRICTIVE FOR SELECT TO carol USING (("Region" <> 'EU'));

-- sales.region: sales_region (Sales).
ALTER TABLE sales.region ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON sales.region AS PERMISSIVE FOR SELECT TO alice, carol, admin, dave USING (true);
CREATE POLICY alice_t0 ON sales.region AS RESTRICTIVE FOR SELECT TO alice USING ((r_regionkey <> 11));

RESET client_min_messages;
