-- TPC-DS Q8: net profit of stores whose zip prefix matches zips with many preferred customers
-- (QOY = 2, YEAR = 1998, ZIP = a list of 40 zips).
select s_store_name, sum(ss_net_profit)
from store_sales, date_dim, store,
    (
        select ca_zip
        from (
            select substring(ca_zip, 1, 5) ca_zip
            from customer_address
            where substring(ca_zip, 1, 5) in (
                '37064', '37067', '10451', '10467', '71295', '30728', '30680', '92618',
                '40202', '62801', '60601', '77002', '97401', '22030', '39648', '80601',
                '56560', '08608', '54494', '06604', '50309', '72086', '58102', '73651',
                '98926', '49868', '57623', '44902', '78501', '37010', '37014', '37020',
                '10459', '30701', '71201', '92602', '24128', '76232', '65084', '87816')
            intersect
            select ca_zip
            from (
                select substring(ca_zip, 1, 5) ca_zip, count(*) cnt
                from customer_address, customer
                where ca_address_sk = c_current_addr_sk
                    and c_preferred_cust_flag = 'Y'
                group by ca_zip
                having count(*) > 10
            ) a1
        ) a2
    ) v1
where ss_store_sk = s_store_sk
    and ss_sold_date_sk = d_date_sk
    and d_qoy = 2
    and d_year = 1998
    and substring(s_zip, 1, 2) = substring(v1.ca_zip, 1, 2)
group by s_store_name
order by s_store_name
limit 100;
