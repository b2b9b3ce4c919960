-- PostgreSQL variant of test/conformance/tpc/tpch/q18.sql, the same text but for:
-- TOP 100 as LIMIT 100, Redshift forms PostgreSQL does not accept.
-- TPC-H Q18, large volume customer (QUANTITY = 300).
select
    c_name,
    c_custkey,
    o_orderkey,
    o_orderdate,
    o_totalprice,
    sum(l_quantity)
from customer, orders, lineitem
where o_orderkey in (
        select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > 300
    )
    and c_custkey = o_custkey
    and o_orderkey = l_orderkey
group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
order by o_totalprice desc, o_orderdate
limit 100;
