-- The TPC-H schema as a Redshift user would create it: the small dimension tables copied to
-- every node (DISTSTYLE ALL), the big ones distributed on their join keys and sorted on the
-- columns the queries filter on; informational primary and foreign keys.
create table region (
    r_regionkey integer not null primary key,
    r_name char(25) not null,
    r_comment varchar(152)
) diststyle all;

create table nation (
    n_nationkey integer not null primary key,
    n_name char(25) not null,
    n_regionkey integer not null references region (r_regionkey),
    n_comment varchar(152)
) diststyle all;

create table supplier (
    s_suppkey integer not null primary key,
    s_name char(25) not null,
    s_address varchar(40) not null,
    s_nationkey integer not null references nation (n_nationkey),
    s_phone char(15) not null,
    s_acctbal decimal(15, 2) not null,
    s_comment varchar(101) not null
) diststyle all;

create table customer (
    c_custkey integer not null primary key,
    c_name varchar(25) not null,
    c_address varchar(40) not null,
    c_nationkey integer not null references nation (n_nationkey),
    c_phone char(15) not null,
    c_acctbal decimal(15, 2) not null,
    c_mktsegment char(10) not null encode bytedict,
    c_comment varchar(117) not null
) distkey (c_custkey) sortkey (c_custkey);

create table part (
    p_partkey integer not null distkey sortkey,
    p_name varchar(55) not null,
    p_mfgr char(25) not null encode bytedict,
    p_brand char(10) not null encode bytedict,
    p_type varchar(25) not null,
    p_size integer not null,
    p_container char(10) not null encode bytedict,
    p_retailprice decimal(15, 2) not null,
    p_comment varchar(23) not null,
    primary key (p_partkey)
);

create table partsupp (
    ps_partkey integer not null distkey references part (p_partkey),
    ps_suppkey integer not null references supplier (s_suppkey),
    ps_availqty integer not null,
    ps_supplycost decimal(15, 2) not null,
    ps_comment varchar(199) not null,
    primary key (ps_partkey, ps_suppkey)
)
compound sortkey (ps_partkey, ps_suppkey);

create table orders (
    o_orderkey integer not null distkey,
    o_custkey integer not null references customer (c_custkey),
    o_orderstatus char(1) not null,
    o_totalprice decimal(15, 2) not null,
    o_orderdate date not null encode az64,
    o_orderpriority char(15) not null,
    o_clerk char(15) not null,
    o_shippriority integer not null,
    o_comment varchar(79) not null encode zstd,
    primary key (o_orderkey)
)
sortkey (o_orderdate);

create table lineitem (
    l_orderkey integer not null distkey references orders (o_orderkey),
    l_partkey integer not null,
    l_suppkey integer not null,
    l_linenumber integer not null,
    l_quantity decimal(15, 2) not null,
    l_extendedprice decimal(15, 2) not null,
    l_discount decimal(15, 2) not null,
    l_tax decimal(15, 2) not null,
    l_returnflag char(1) not null,
    l_linestatus char(1) not null,
    l_shipdate date not null sortkey,
    l_commitdate date not null,
    l_receiptdate date not null,
    l_shipinstruct char(25) not null,
    l_shipmode char(10) not null,
    l_comment varchar(44) not null encode zstd,
    primary key (l_orderkey, l_linenumber),
    foreign key (l_partkey, l_suppkey) references partsupp (ps_partkey, ps_suppkey)
);
