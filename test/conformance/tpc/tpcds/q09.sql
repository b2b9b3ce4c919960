-- TPC-DS Q9: store sales by quantity bucket, average discount or net paid depending on the
-- bucket's size (RC = 2000, 2000, 12000, 2000, 12500: thresholds for this data's size).
select case when (select count(*) from store_sales where ss_quantity between 1 and 20) > 2000
            then (select avg(ss_ext_discount_amt) from store_sales where ss_quantity between 1 and 20)
            else (select avg(ss_net_paid) from store_sales where ss_quantity between 1 and 20) end bucket1,
    case when (select count(*) from store_sales where ss_quantity between 21 and 40) > 2000
            then (select avg(ss_ext_discount_amt) from store_sales where ss_quantity between 21 and 40)
            else (select avg(ss_net_paid) from store_sales where ss_quantity between 21 and 40) end bucket2,
    case when (select count(*) from store_sales where ss_quantity between 41 and 60) > 12000
            then (select avg(ss_ext_discount_amt) from store_sales where ss_quantity between 41 and 60)
            else (select avg(ss_net_paid) from store_sales where ss_quantity between 41 and 60) end bucket3,
    case when (select count(*) from store_sales where ss_quantity between 61 and 80) > 2000
            then (select avg(ss_ext_discount_amt) from store_sales where ss_quantity between 61 and 80)
            else (select avg(ss_net_paid) from store_sales where ss_quantity between 61 and 80) end bucket4,
    case when (select count(*) from store_sales where ss_quantity between 81 and 100) > 12500
            then (select avg(ss_ext_discount_amt) from store_sales where ss_quantity between 81 and 100)
            else (select avg(ss_net_paid) from store_sales where ss_quantity between 81 and 100) end bucket5
from reason
where r_reason_sk = 1;
