-- TPC-DS Q21: inventory of cheap items 30 days before and after a price change, where the
-- ratio after/before (an integer division of the sums, as in Redshift) is between 2/3 and 3/2
-- (SALES_DATE = 2000-03-11).
select *
from (
        select w_warehouse_name,
            i_item_id,
            sum(case when d_date < cast('2000-03-11' as date) then inv_quantity_on_hand else 0 end) as inv_before,
            sum(case when d_date >= cast('2000-03-11' as date) then inv_quantity_on_hand else 0 end) as inv_after
        from inventory, warehouse, item, date_dim
        where i_current_price between 0.99 and 1.49
            and i_item_sk = inv_item_sk
            and inv_warehouse_sk = w_warehouse_sk
            and inv_date_sk = d_date_sk
            and d_date between dateadd(day, -30, cast('2000-03-11' as date))
                and dateadd(day, 30, cast('2000-03-11' as date))
        group by w_warehouse_name, i_item_id
    ) x
where (case when inv_before > 0 then inv_after / inv_before else null end) between 2.0 / 3.0 and 3.0 / 2.0
order by w_warehouse_name, i_item_id
limit 100;
