-- PostgreSQL variant of test/conformance/tpc/tpch/q14.sql, the same text but for:
-- dateadd as date arithmetic, Redshift forms PostgreSQL does not accept.
-- TPC-H Q14, promotion effect (DATE = 1995-09-01).
select
    100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount) else 0 end)
        / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from lineitem, part
where l_partkey = p_partkey
    and l_shipdate >= '1995-09-01'
    and l_shipdate < cast(date '1995-09-01' + interval '1 month' as date);
