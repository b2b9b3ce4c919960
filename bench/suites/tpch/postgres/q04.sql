-- PostgreSQL variant of test/conformance/tpc/tpch/q04.sql, the same text but for:
-- add_months as date arithmetic, Redshift forms PostgreSQL does not accept.
-- TPC-H Q4, order priority checking (DATE = 1993-07-01).
select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= '1993-07-01'
    and o_orderdate < cast(date '1993-07-01' + interval '3 month' as date)
    and exists (
        select *
        from lineitem
        where l_orderkey = o_orderkey
            and l_commitdate < l_receiptdate
    )
group by o_orderpriority
order by o_orderpriority;
