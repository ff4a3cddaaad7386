-- The TPC-H data generator (tests/support/pg_server.cc TpchDataSql, tests/proxy/ LoadTpch). {S}, {P}, {C}, {O}, {K}
-- are substituted with the row counts (suppliers, parts, customers, orders, clerks). g.r(k, salt, n) is a deterministic
-- pseudo-random integer in [0, n) from PostgreSQL's built-in 64-bit hash, so the data is identical on every run.
-- g.pick(k, salt, array) picks one array element.
SET client_min_messages = warning;
-- Foreign keys hold by construction (and tests/corpus/pg_server_test.cc checks each one with an anti-join), so the
-- per-row FK triggers are skipped while loading: replica mode, which needs a superuser.
SET session_replication_role = replica;
DROP SCHEMA IF EXISTS rlsq_gen CASCADE;
CREATE SCHEMA rlsq_gen;
CREATE FUNCTION rlsq_gen.r(k bigint, salt bigint, n bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((hashint8extended(k, salt) % n) + n) % n $$;
CREATE FUNCTION rlsq_gen.pick(k bigint, salt bigint, a text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT a[1 + ((hashint8extended(k, salt) % cardinality(a)) + cardinality(a)) % cardinality(a)] $$;
-- 4096 comment sentences of 3 to 14 TPC-H style words. A comment column joins one of them (cut to the column's
-- length): cm.id = rlsq_gen.r(key, salt, 4096).
CREATE TABLE rlsq_gen.pool AS
SELECT id::bigint AS id, string_agg(rlsq_gen.pick(id * 16 + w, 77, ARRAY['furiously','carefully','quickly','slyly',
         'blithely','regular','special','final','express','pending','ironic','bold','even','silent','unusual',
         'fluffily','requests','deposits','packages','accounts','foxes','theodolites','pinto beans',
         'instructions','dependencies','excuses','platelets','asymptotes','courts','dolphins','ideas','sauternes',
         'warhorses']), ' ' ORDER BY w) AS sentence
FROM generate_series(0, 4095) AS id, generate_series(1, 14) AS w
WHERE w <= 3 + id % 12
GROUP BY id;
ANALYZE rlsq_gen.pool;
CREATE FUNCTION rlsq_gen.phone(k bigint, salt bigint, nationkey int) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (nationkey + 10)::text || '-' || (100 + rlsq_gen.r(k, salt, 900))::text || '-'
        || (100 + rlsq_gen.r(k, salt + 1, 900))::text || '-' || (1000 + rlsq_gen.r(k, salt + 2, 9000))::text $$;
CREATE FUNCTION rlsq_gen.retailprice(partkey bigint) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((90000 + ((partkey / 10) % 20001) + 100 * (partkey % 1000)) / 100.0)::numeric(15,2) $$;

INSERT INTO region (r_regionkey, r_name, r_comment) VALUES
  (0, 'AFRICA', 'lar deposits. blithely final packages cajole'),
  (1, 'AMERICA', 'hs use ironic, even requests'),
  (2, 'ASIA', 'ges. thinly even pinto beans ca'),
  (3, 'EUROPE', 'ly final courts cajole furiously final excuse'),
  (4, 'MIDDLE EAST', 'uickly special accounts cajole carefully blithely close requests');

INSERT INTO nation (n_nationkey, n_name, n_regionkey, n_comment)
SELECT v.k, v.name, v.region, left(cm.sentence, 152)
FROM (VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), (3, 'CANADA', 1), (4, 'EGYPT', 4),
             (5, 'ETHIOPIA', 0), (6, 'FRANCE', 3), (7, 'GERMANY', 3), (8, 'INDIA', 2), (9, 'INDONESIA', 2),
             (10, 'IRAN', 4), (11, 'IRAQ', 4), (12, 'JAPAN', 2), (13, 'JORDAN', 4), (14, 'KENYA', 0),
             (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1), (18, 'CHINA', 2), (19, 'ROMANIA', 3),
             (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), (22, 'RUSSIA', 3), (23, 'UNITED KINGDOM', 3),
             (24, 'UNITED STATES', 1)) AS v(k, name, region), rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(v.k, 1, 4096);

-- About 5% of suppliers have a comment matching '%Customer%Complaints%' (TPC-H Q16), 5% '%Customer%Recommends%'.
INSERT INTO supplier (s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment)
SELECT i, 'Supplier#' || lpad(i::text, 9, '0'),
       left(md5('supplier address ' || i), 10 + rlsq_gen.r(i, 1, 22)::int),
       nk, rlsq_gen.phone(i, 3, nk),
       ((rlsq_gen.r(i, 6, 1099999) - 99999) / 100.0)::numeric(15,2),
       CASE rlsq_gen.r(i, 7, 20)
         WHEN 0 THEN left(c1.sentence, 40) || ' Customer ' || left(c2.sentence, 30) || ' Complaints'
         WHEN 1 THEN left(c1.sentence, 40) || ' Customer ' || left(c2.sentence, 30) || ' Recommends'
         ELSE left(c3.sentence, 101) END
FROM generate_series(1, {S}) AS i, LATERAL (SELECT rlsq_gen.r(i, 2, 25)::int AS nk) AS n,
     rlsq_gen.pool AS c1, rlsq_gen.pool AS c2, rlsq_gen.pool AS c3
WHERE c1.id = rlsq_gen.r(i, 8, 4096) AND c2.id = rlsq_gen.r(i, 9, 4096) AND c3.id = rlsq_gen.r(i, 10, 4096);

INSERT INTO part (p_partkey, p_name, p_mfgr, p_brand, p_type, p_size, p_container, p_retailprice, p_comment)
SELECT i,
       (SELECT string_agg(rlsq_gen.pick(i, 100 + w, ARRAY['almond','antique','aquamarine','azure','beige','bisque',
          'black','blanched','blue','blush','brown','burlywood','burnished','chartreuse','chiffon','chocolate',
          'coral','cornflower','cornsilk','cream','cyan','dark','deep','dim','dodger','drab','firebrick','floral',
          'forest','frosted','gainsboro','ghost','goldenrod','green','grey','honeydew','hot','indian','ivory',
          'khaki','lace','lavender','lawn','lemon','light','lime','linen','magenta','maroon','medium','metallic',
          'midnight','mint','misty','moccasin','navajo','navy','olive','orange','orchid','pale','papaya','peach',
          'peru','pink','plum','powder','puff','purple','red','rose','rosy','royal','saddle','salmon','sandy',
          'seashell','sienna','sky','slate','smoke','snow','spring','steel','tan','thistle','tomato','turquoise',
          'violet','wheat','white','yellow']), ' ' ORDER BY w) FROM generate_series(1, 5) AS w),
       'Manufacturer#' || m,
       'Brand#' || m || (1 + rlsq_gen.r(i, 2, 5)),
       rlsq_gen.pick(i, 3, ARRAY['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO']) || ' ' ||
         rlsq_gen.pick(i, 4, ARRAY['ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED']) || ' ' ||
         rlsq_gen.pick(i, 5, ARRAY['TIN','NICKEL','BRASS','STEEL','COPPER']),
       1 + rlsq_gen.r(i, 6, 50)::int,
       rlsq_gen.pick(i, 7, ARRAY['SM','LG','MED','JUMBO','WRAP']) || ' ' ||
         rlsq_gen.pick(i, 8, ARRAY['CASE','BOX','BAG','JAR','PKG','PACK','CAN','DRUM']),
       rlsq_gen.retailprice(i),
       left(cm.sentence, 23)
FROM generate_series(1, {P}) AS i, LATERAL (SELECT 1 + rlsq_gen.r(i, 1, 5) AS m) AS mm, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(i, 9, 4096);

-- Four suppliers per part, as in TPC-H: distinct because j * ({S} / 4) < {S} for j < 4.
INSERT INTO partsupp (ps_partkey, ps_suppkey, ps_availqty, ps_supplycost, ps_comment)
SELECT p, ((p + j * ({S} / 4)) % {S}) + 1,
       1 + rlsq_gen.r(p * 4 + j, 1, 9999)::int,
       ((100 + rlsq_gen.r(p * 4 + j, 2, 99901)) / 100.0)::numeric(15,2),
       left(cm.sentence, 199)
FROM generate_series(1, {P}) AS p, generate_series(0, 3) AS j, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(p * 4 + j, 3, 4096);

INSERT INTO customer (c_custkey, c_name, c_address, c_nationkey, c_phone, c_acctbal, c_mktsegment, c_comment)
SELECT i, 'Customer#' || lpad(i::text, 9, '0'),
       left(md5('customer address ' || i), 10 + rlsq_gen.r(i, 1, 22)::int),
       nk, rlsq_gen.phone(i, 3, nk),
       ((rlsq_gen.r(i, 6, 1099999) - 99999) / 100.0)::numeric(15,2),
       rlsq_gen.pick(i, 7, ARRAY['AUTOMOBILE','BUILDING','FURNITURE','MACHINERY','HOUSEHOLD']),
       left(cm.sentence, 117)
FROM generate_series(1, {C}) AS i, LATERAL (SELECT rlsq_gen.r(i, 2, 25)::int AS nk) AS n, rlsq_gen.pool AS cm
WHERE cm.id = rlsq_gen.r(i, 8, 4096);

-- Lineitems first (1 to 7 per order), so that orders can get their total price and status (F, O or P) from them.
-- The order date is a function of the order key: DATE '1992-01-01' + r(o, 2, 2406) (1992-01-01 .. 1998-08-02).
CREATE TABLE rlsq_gen.li AS
SELECT o AS l_orderkey, pk AS l_partkey, ((pk + rlsq_gen.r(k, 2, 4) * ({S} / 4)) % {S}) + 1 AS l_suppkey,
       ln AS l_linenumber, qty::numeric(15,2) AS l_quantity,
       (qty * rlsq_gen.retailprice(pk))::numeric(15,2) AS l_extendedprice,
       (rlsq_gen.r(k, 4, 11) / 100.0)::numeric(15,2) AS l_discount,
       (rlsq_gen.r(k, 5, 9) / 100.0)::numeric(15,2) AS l_tax,
       CASE WHEN receipt <= DATE '1995-06-17' THEN rlsq_gen.pick(k, 6, ARRAY['R','A']) ELSE 'N' END AS l_returnflag,
       CASE WHEN ship > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
       ship AS l_shipdate, od + 30 + rlsq_gen.r(k, 7, 61)::int AS l_commitdate, receipt AS l_receiptdate,
       rlsq_gen.pick(k, 8, ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN']) AS l_shipinstruct,
       rlsq_gen.pick(k, 9, ARRAY['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB']) AS l_shipmode,
       left(cm.sentence, 44) AS l_comment
FROM generate_series(1, {O}) AS o, generate_series(1, 7) AS ln,
     LATERAL (SELECT o::bigint * 8 + ln AS k, DATE '1992-01-01' + rlsq_gen.r(o, 2, 2406)::int AS od) AS kk,
     LATERAL (SELECT 1 + rlsq_gen.r(k, 1, {P}) AS pk, 1 + rlsq_gen.r(k, 3, 50)::int AS qty,
                     od + 1 + rlsq_gen.r(k, 11, 121)::int AS ship) AS a,
     LATERAL (SELECT ship + 1 + rlsq_gen.r(k, 12, 30)::int AS receipt) AS b,
     rlsq_gen.pool AS cm
WHERE ln <= 1 + rlsq_gen.r(o, 40, 7) AND cm.id = rlsq_gen.r(k, 10, 4096);

-- As in TPC-H, customers whose key is a multiple of 3 place no orders.
INSERT INTO orders (o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_orderdate, o_orderpriority, o_clerk,
                    o_shippriority, o_comment)
SELECT i, CASE WHEN c % 3 = 0 THEN c - 1 ELSE c END, t.status, t.total,
       DATE '1992-01-01' + rlsq_gen.r(i, 2, 2406)::int,
       rlsq_gen.pick(i, 3, ARRAY['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW']),
       'Clerk#' || lpad((1 + rlsq_gen.r(i, 4, {K}))::text, 9, '0'),
       0,
       left(cm.sentence, 79)
FROM generate_series(1, {O}) AS i, LATERAL (SELECT 1 + rlsq_gen.r(i, 1, {C}) AS c) AS cc,
     (SELECT l_orderkey,
             sum(l_extendedprice * (1 + l_tax) * (1 - l_discount))::numeric(15,2) AS total,
             CASE WHEN bool_and(l_linestatus = 'F') THEN 'F' WHEN bool_and(l_linestatus = 'O') THEN 'O' ELSE 'P' END
               AS status
      FROM rlsq_gen.li GROUP BY l_orderkey) AS t,
     rlsq_gen.pool AS cm
WHERE t.l_orderkey = i AND cm.id = rlsq_gen.r(i, 5, 4096);

INSERT INTO lineitem SELECT * FROM rlsq_gen.li ORDER BY l_orderkey, l_linenumber;

DROP SCHEMA rlsq_gen CASCADE;
RESET session_replication_role;
RESET client_min_messages;
