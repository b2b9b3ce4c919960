-- PostgreSQL variant of test/conformance/tpc/tpch/q15.sql, the same text but for:
-- dateadd as date arithmetic, Redshift forms PostgreSQL does not accept.
-- TPC-H Q15, top supplier (DATE = 1996-01-01), with the specification's view.
create view revenue0 (supplier_no, total_revenue) as
    select l_suppkey, sum(l_extendedprice * (1 - l_discount))
    from lineitem
    where l_shipdate >= '1996-01-01'
        and l_shipdate < cast(date '1996-01-01' + interval '3 month' as date)
    group by l_suppkey;

select s_suppkey, s_name, s_address, s_phone, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no
    and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey;

drop view revenue0;
