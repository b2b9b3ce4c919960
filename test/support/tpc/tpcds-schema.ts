// The TPC-DS schema as data: the 24 tables of the specification (clause 2: 7 fact and 17
// dimension tables), every column with its type, the primary keys and the foreign keys between
// them. The test generator (tpcds-data.ts) produces rows for these definitions.

export type TpcdsTableName =
  | 'call_center'
  | 'catalog_page'
  | 'catalog_returns'
  | 'catalog_sales'
  | 'customer'
  | 'customer_address'
  | 'customer_demographics'
  | 'date_dim'
  | 'household_demographics'
  | 'income_band'
  | 'inventory'
  | 'item'
  | 'promotion'
  | 'reason'
  | 'ship_mode'
  | 'store'
  | 'store_returns'
  | 'store_sales'
  | 'time_dim'
  | 'warehouse'
  | 'web_page'
  | 'web_returns'
  | 'web_sales'
  | 'web_site';

export type TpcdsColumnKind = 'integer' | 'decimal' | 'date' | 'char' | 'varchar';

export interface TpcdsColumn {
  readonly name: string;
  readonly kind: TpcdsColumnKind;
  /** char/varchar: the declared length; decimal: the precision. */
  readonly length?: number;
  /** decimal: the scale. */
  readonly scale?: number;
  readonly notNull: boolean;
  /** The column's type as Redshift, PostgreSQL and DuckDB all accept it. */
  readonly sqlType: string;
}

export interface TpcdsTableDefinition {
  readonly name: TpcdsTableName;
  readonly columns: readonly TpcdsColumn[];
  readonly primaryKey: readonly string[];
  /** Informational foreign keys: column → referenced table (whose primary key it holds). */
  readonly references: Readonly<Record<string, TpcdsTableName>>;
}

/** A value as text a loader accepts: see the header. */
export type TpcdsValue = number | string | null;
export type TpcdsRow = readonly TpcdsValue[];

// ---------------------------------------------------------------------------------------------
// Tables. A column is written `name type [!]`, where type is int, date, dec(p,s), char(n) or
// varchar(n) and ! means NOT NULL.

function column(spec: string): TpcdsColumn {
  const m = /^(\w+) (int|date|dec\((\d+),(\d+)\)|char\((\d+)\)|varchar\((\d+)\))( !)?$/.exec(spec);
  if (m === null) throw new Error(`bad column spec: ${spec}`);
  const [, name = '', type, p, s, charLength, varcharLength, bang] = m;
  const notNull = bang !== undefined;
  if (type === 'int') return { name, kind: 'integer', notNull, sqlType: 'INTEGER' };
  if (type === 'date') return { name, kind: 'date', notNull, sqlType: 'DATE' };
  if (p !== undefined) {
    const length = Number(p);
    const scale = Number(s);
    return { name, kind: 'decimal', length, scale, notNull, sqlType: `DECIMAL(${p},${s})` };
  }
  if (charLength !== undefined) {
    return {
      name,
      kind: 'char',
      length: Number(charLength),
      notNull,
      sqlType: `CHAR(${charLength})`,
    };
  }
  return {
    name,
    kind: 'varchar',
    length: Number(varcharLength),
    notNull,
    sqlType: `VARCHAR(${varcharLength})`,
  };
}

function table(
  name: TpcdsTableName,
  primaryKey: string[],
  references: Record<string, TpcdsTableName>,
  columns: string,
): TpcdsTableDefinition {
  const specs = columns
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  // dec(p,s) contains a comma: glue its halves back together.
  const joined: string[] = [];
  for (const s of specs) {
    if (/^\d+\)/.test(s)) joined[joined.length - 1] += `,${s}`;
    else joined.push(s);
  }
  return { name, primaryKey, references, columns: joined.map(column) };
}

const MONEY = 'dec(7,2)';
const money = (names: string) =>
  names
    .trim()
    .split(/\s+/)
    .map((n) => `${n} ${MONEY}`)
    .join(', ');

/** The 24 tables, dimensions first, so every referenced table precedes its referrers. */
export const TPCDS_TABLES: readonly TpcdsTableDefinition[] = [
  table(
    'date_dim',
    ['d_date_sk'],
    {},
    `d_date_sk int !, d_date_id char(16) !, d_date date, d_month_seq int, d_week_seq int,
     d_quarter_seq int, d_year int, d_dow int, d_moy int, d_dom int, d_qoy int, d_fy_year int,
     d_fy_quarter_seq int, d_fy_week_seq int, d_day_name char(9), d_quarter_name char(6),
     d_holiday char(1), d_weekend char(1), d_following_holiday char(1), d_first_dom int,
     d_last_dom int, d_same_day_ly int, d_same_day_lq int, d_current_day char(1),
     d_current_week char(1), d_current_month char(1), d_current_quarter char(1),
     d_current_year char(1)`,
  ),
  table(
    'time_dim',
    ['t_time_sk'],
    {},
    `t_time_sk int !, t_time_id char(16) !, t_time int, t_hour int, t_minute int, t_second int,
     t_am_pm char(2), t_shift char(20), t_sub_shift char(20), t_meal_time char(20)`,
  ),
  table(
    'income_band',
    ['ib_income_band_sk'],
    {},
    `ib_income_band_sk int !, ib_lower_bound int, ib_upper_bound int`,
  ),
  table(
    'household_demographics',
    ['hd_demo_sk'],
    { hd_income_band_sk: 'income_band' },
    `hd_demo_sk int !, hd_income_band_sk int, hd_buy_potential char(15), hd_dep_count int,
     hd_vehicle_count int`,
  ),
  table(
    'customer_demographics',
    ['cd_demo_sk'],
    {},
    `cd_demo_sk int !, cd_gender char(1), cd_marital_status char(1), cd_education_status char(20),
     cd_purchase_estimate int, cd_credit_rating char(10), cd_dep_count int,
     cd_dep_employed_count int, cd_dep_college_count int`,
  ),
  table(
    'customer_address',
    ['ca_address_sk'],
    {},
    `ca_address_sk int !, ca_address_id char(16) !, ca_street_number char(10),
     ca_street_name varchar(60), ca_street_type char(15), ca_suite_number char(10),
     ca_city varchar(60), ca_county varchar(30), ca_state char(2), ca_zip char(10),
     ca_country varchar(20), ca_gmt_offset dec(5,2), ca_location_type char(20)`,
  ),
  table(
    'customer',
    ['c_customer_sk'],
    {
      c_current_cdemo_sk: 'customer_demographics',
      c_current_hdemo_sk: 'household_demographics',
      c_current_addr_sk: 'customer_address',
      c_first_shipto_date_sk: 'date_dim',
      c_first_sales_date_sk: 'date_dim',
      c_last_review_date_sk: 'date_dim',
    },
    `c_customer_sk int !, c_customer_id char(16) !, c_current_cdemo_sk int,
     c_current_hdemo_sk int, c_current_addr_sk int, c_first_shipto_date_sk int,
     c_first_sales_date_sk int, c_salutation char(10), c_first_name char(20),
     c_last_name char(30), c_preferred_cust_flag char(1), c_birth_day int, c_birth_month int,
     c_birth_year int, c_birth_country varchar(20), c_login char(13), c_email_address char(50),
     c_last_review_date_sk int`,
  ),
  table(
    'item',
    ['i_item_sk'],
    {},
    `i_item_sk int !, i_item_id char(16) !, i_rec_start_date date, i_rec_end_date date,
     i_item_desc varchar(200), i_current_price dec(7,2), i_wholesale_cost dec(7,2),
     i_brand_id int, i_brand char(50), i_class_id int, i_class char(50), i_category_id int,
     i_category char(50), i_manufact_id int, i_manufact char(50), i_size char(20),
     i_formulation char(20), i_color char(20), i_units char(10), i_container char(10),
     i_manager_id int, i_product_name char(50)`,
  ),
  table(
    'store',
    ['s_store_sk'],
    { s_closed_date_sk: 'date_dim' },
    `s_store_sk int !, s_store_id char(16) !, s_rec_start_date date, s_rec_end_date date,
     s_closed_date_sk int, s_store_name varchar(50), s_number_employees int, s_floor_space int,
     s_hours char(20), s_manager varchar(40), s_market_id int, s_geography_class varchar(100),
     s_market_desc varchar(100), s_market_manager varchar(40), s_division_id int,
     s_division_name varchar(50), s_company_id int, s_company_name varchar(50),
     s_street_number varchar(10), s_street_name varchar(60), s_street_type char(15),
     s_suite_number char(10), s_city varchar(60), s_county varchar(30), s_state char(2),
     s_zip char(10), s_country varchar(20), s_gmt_offset dec(5,2), s_tax_precentage dec(5,2)`,
  ),
  table(
    'call_center',
    ['cc_call_center_sk'],
    { cc_closed_date_sk: 'date_dim', cc_open_date_sk: 'date_dim' },
    `cc_call_center_sk int !, cc_call_center_id char(16) !, cc_rec_start_date date,
     cc_rec_end_date date, cc_closed_date_sk int, cc_open_date_sk int, cc_name varchar(50),
     cc_class varchar(50), cc_employees int, cc_sq_ft int, cc_hours char(20),
     cc_manager varchar(40), cc_mkt_id int, cc_mkt_class char(50), cc_mkt_desc varchar(100),
     cc_market_manager varchar(40), cc_division int, cc_division_name varchar(50), cc_company int,
     cc_company_name char(50), cc_street_number char(10), cc_street_name varchar(60),
     cc_street_type char(15), cc_suite_number char(10), cc_city varchar(60),
     cc_county varchar(30), cc_state char(2), cc_zip char(10), cc_country varchar(20),
     cc_gmt_offset dec(5,2), cc_tax_percentage dec(5,2)`,
  ),
  table(
    'catalog_page',
    ['cp_catalog_page_sk'],
    { cp_start_date_sk: 'date_dim', cp_end_date_sk: 'date_dim' },
    `cp_catalog_page_sk int !, cp_catalog_page_id char(16) !, cp_start_date_sk int,
     cp_end_date_sk int, cp_department varchar(50), cp_catalog_number int,
     cp_catalog_page_number int, cp_description varchar(100), cp_type varchar(100)`,
  ),
  table(
    'web_site',
    ['web_site_sk'],
    { web_open_date_sk: 'date_dim', web_close_date_sk: 'date_dim' },
    `web_site_sk int !, web_site_id char(16) !, web_rec_start_date date, web_rec_end_date date,
     web_name varchar(50), web_open_date_sk int, web_close_date_sk int, web_class varchar(50),
     web_manager varchar(40), web_mkt_id int, web_mkt_class varchar(50),
     web_mkt_desc varchar(100), web_market_manager varchar(40), web_company_id int,
     web_company_name char(50), web_street_number char(10), web_street_name varchar(60),
     web_street_type char(15), web_suite_number char(10), web_city varchar(60),
     web_county varchar(30), web_state char(2), web_zip char(10), web_country varchar(20),
     web_gmt_offset dec(5,2), web_tax_percentage dec(5,2)`,
  ),
  table(
    'web_page',
    ['wp_web_page_sk'],
    {
      wp_creation_date_sk: 'date_dim',
      wp_access_date_sk: 'date_dim',
      wp_customer_sk: 'customer',
    },
    `wp_web_page_sk int !, wp_web_page_id char(16) !, wp_rec_start_date date,
     wp_rec_end_date date, wp_creation_date_sk int, wp_access_date_sk int,
     wp_autogen_flag char(1), wp_customer_sk int, wp_url varchar(100), wp_type char(50),
     wp_char_count int, wp_link_count int, wp_image_count int, wp_max_ad_count int`,
  ),
  table(
    'warehouse',
    ['w_warehouse_sk'],
    {},
    `w_warehouse_sk int !, w_warehouse_id char(16) !, w_warehouse_name varchar(20),
     w_warehouse_sq_ft int, w_street_number char(10), w_street_name varchar(60),
     w_street_type char(15), w_suite_number char(10), w_city varchar(60), w_county varchar(30),
     w_state char(2), w_zip char(10), w_country varchar(20), w_gmt_offset dec(5,2)`,
  ),
  table(
    'ship_mode',
    ['sm_ship_mode_sk'],
    {},
    `sm_ship_mode_sk int !, sm_ship_mode_id char(16) !, sm_type char(30), sm_code char(10),
     sm_carrier char(20), sm_contract char(20)`,
  ),
  table(
    'reason',
    ['r_reason_sk'],
    {},
    `r_reason_sk int !, r_reason_id char(16) !, r_reason_desc char(100)`,
  ),
  table(
    'promotion',
    ['p_promo_sk'],
    { p_start_date_sk: 'date_dim', p_end_date_sk: 'date_dim', p_item_sk: 'item' },
    `p_promo_sk int !, p_promo_id char(16) !, p_start_date_sk int, p_end_date_sk int,
     p_item_sk int, p_cost dec(15,2), p_response_target int, p_promo_name char(50),
     p_channel_dmail char(1), p_channel_email char(1), p_channel_catalog char(1),
     p_channel_tv char(1), p_channel_radio char(1), p_channel_press char(1),
     p_channel_event char(1), p_channel_demo char(1), p_channel_details varchar(100),
     p_purpose char(15), p_discount_active char(1)`,
  ),
  table(
    'store_sales',
    ['ss_item_sk', 'ss_ticket_number'],
    {
      ss_sold_date_sk: 'date_dim',
      ss_sold_time_sk: 'time_dim',
      ss_item_sk: 'item',
      ss_customer_sk: 'customer',
      ss_cdemo_sk: 'customer_demographics',
      ss_hdemo_sk: 'household_demographics',
      ss_addr_sk: 'customer_address',
      ss_store_sk: 'store',
      ss_promo_sk: 'promotion',
    },
    `ss_sold_date_sk int, ss_sold_time_sk int, ss_item_sk int !, ss_customer_sk int,
     ss_cdemo_sk int, ss_hdemo_sk int, ss_addr_sk int, ss_store_sk int, ss_promo_sk int,
     ss_ticket_number int !, ss_quantity int,
     ${money(`ss_wholesale_cost ss_list_price ss_sales_price ss_ext_discount_amt
       ss_ext_sales_price ss_ext_wholesale_cost ss_ext_list_price ss_ext_tax ss_coupon_amt
       ss_net_paid ss_net_paid_inc_tax ss_net_profit`)}`,
  ),
  table(
    'store_returns',
    ['sr_item_sk', 'sr_ticket_number'],
    {
      sr_returned_date_sk: 'date_dim',
      sr_return_time_sk: 'time_dim',
      sr_item_sk: 'item',
      sr_customer_sk: 'customer',
      sr_cdemo_sk: 'customer_demographics',
      sr_hdemo_sk: 'household_demographics',
      sr_addr_sk: 'customer_address',
      sr_store_sk: 'store',
      sr_reason_sk: 'reason',
    },
    `sr_returned_date_sk int, sr_return_time_sk int, sr_item_sk int !, sr_customer_sk int,
     sr_cdemo_sk int, sr_hdemo_sk int, sr_addr_sk int, sr_store_sk int, sr_reason_sk int,
     sr_ticket_number int !, sr_return_quantity int,
     ${money(`sr_return_amt sr_return_tax sr_return_amt_inc_tax sr_fee sr_return_ship_cost
       sr_refunded_cash sr_reversed_charge sr_store_credit sr_net_loss`)}`,
  ),
  table(
    'catalog_sales',
    ['cs_item_sk', 'cs_order_number'],
    {
      cs_sold_date_sk: 'date_dim',
      cs_sold_time_sk: 'time_dim',
      cs_ship_date_sk: 'date_dim',
      cs_bill_customer_sk: 'customer',
      cs_bill_cdemo_sk: 'customer_demographics',
      cs_bill_hdemo_sk: 'household_demographics',
      cs_bill_addr_sk: 'customer_address',
      cs_ship_customer_sk: 'customer',
      cs_ship_cdemo_sk: 'customer_demographics',
      cs_ship_hdemo_sk: 'household_demographics',
      cs_ship_addr_sk: 'customer_address',
      cs_call_center_sk: 'call_center',
      cs_catalog_page_sk: 'catalog_page',
      cs_ship_mode_sk: 'ship_mode',
      cs_warehouse_sk: 'warehouse',
      cs_item_sk: 'item',
      cs_promo_sk: 'promotion',
    },
    `cs_sold_date_sk int, cs_sold_time_sk int, cs_ship_date_sk int, cs_bill_customer_sk int,
     cs_bill_cdemo_sk int, cs_bill_hdemo_sk int, cs_bill_addr_sk int, cs_ship_customer_sk int,
     cs_ship_cdemo_sk int, cs_ship_hdemo_sk int, cs_ship_addr_sk int, cs_call_center_sk int,
     cs_catalog_page_sk int, cs_ship_mode_sk int, cs_warehouse_sk int, cs_item_sk int !,
     cs_promo_sk int, cs_order_number int !, cs_quantity int,
     ${money(`cs_wholesale_cost cs_list_price cs_sales_price cs_ext_discount_amt
       cs_ext_sales_price cs_ext_wholesale_cost cs_ext_list_price cs_ext_tax cs_coupon_amt
       cs_ext_ship_cost cs_net_paid cs_net_paid_inc_tax cs_net_paid_inc_ship
       cs_net_paid_inc_ship_tax cs_net_profit`)}`,
  ),
  table(
    'catalog_returns',
    ['cr_item_sk', 'cr_order_number'],
    {
      cr_returned_date_sk: 'date_dim',
      cr_returned_time_sk: 'time_dim',
      cr_item_sk: 'item',
      cr_refunded_customer_sk: 'customer',
      cr_refunded_cdemo_sk: 'customer_demographics',
      cr_refunded_hdemo_sk: 'household_demographics',
      cr_refunded_addr_sk: 'customer_address',
      cr_returning_customer_sk: 'customer',
      cr_returning_cdemo_sk: 'customer_demographics',
      cr_returning_hdemo_sk: 'household_demographics',
      cr_returning_addr_sk: 'customer_address',
      cr_call_center_sk: 'call_center',
      cr_catalog_page_sk: 'catalog_page',
      cr_ship_mode_sk: 'ship_mode',
      cr_warehouse_sk: 'warehouse',
      cr_reason_sk: 'reason',
    },
    `cr_returned_date_sk int, cr_returned_time_sk int, cr_item_sk int !,
     cr_refunded_customer_sk int, cr_refunded_cdemo_sk int, cr_refunded_hdemo_sk int,
     cr_refunded_addr_sk int, cr_returning_customer_sk int, cr_returning_cdemo_sk int,
     cr_returning_hdemo_sk int, cr_returning_addr_sk int, cr_call_center_sk int,
     cr_catalog_page_sk int, cr_ship_mode_sk int, cr_warehouse_sk int, cr_reason_sk int,
     cr_order_number int !, cr_return_quantity int,
     ${money(`cr_return_amount cr_return_tax cr_return_amt_inc_tax cr_fee cr_return_ship_cost
       cr_refunded_cash cr_reversed_charge cr_store_credit cr_net_loss`)}`,
  ),
  table(
    'web_sales',
    ['ws_item_sk', 'ws_order_number'],
    {
      ws_sold_date_sk: 'date_dim',
      ws_sold_time_sk: 'time_dim',
      ws_ship_date_sk: 'date_dim',
      ws_item_sk: 'item',
      ws_bill_customer_sk: 'customer',
      ws_bill_cdemo_sk: 'customer_demographics',
      ws_bill_hdemo_sk: 'household_demographics',
      ws_bill_addr_sk: 'customer_address',
      ws_ship_customer_sk: 'customer',
      ws_ship_cdemo_sk: 'customer_demographics',
      ws_ship_hdemo_sk: 'household_demographics',
      ws_ship_addr_sk: 'customer_address',
      ws_web_page_sk: 'web_page',
      ws_web_site_sk: 'web_site',
      ws_ship_mode_sk: 'ship_mode',
      ws_warehouse_sk: 'warehouse',
      ws_promo_sk: 'promotion',
    },
    `ws_sold_date_sk int, ws_sold_time_sk int, ws_ship_date_sk int, ws_item_sk int !,
     ws_bill_customer_sk int, ws_bill_cdemo_sk int, ws_bill_hdemo_sk int, ws_bill_addr_sk int,
     ws_ship_customer_sk int, ws_ship_cdemo_sk int, ws_ship_hdemo_sk int, ws_ship_addr_sk int,
     ws_web_page_sk int, ws_web_site_sk int, ws_ship_mode_sk int, ws_warehouse_sk int,
     ws_promo_sk int, ws_order_number int !, ws_quantity int,
     ${money(`ws_wholesale_cost ws_list_price ws_sales_price ws_ext_discount_amt
       ws_ext_sales_price ws_ext_wholesale_cost ws_ext_list_price ws_ext_tax ws_coupon_amt
       ws_ext_ship_cost ws_net_paid ws_net_paid_inc_tax ws_net_paid_inc_ship
       ws_net_paid_inc_ship_tax ws_net_profit`)}`,
  ),
  table(
    'web_returns',
    ['wr_item_sk', 'wr_order_number'],
    {
      wr_returned_date_sk: 'date_dim',
      wr_returned_time_sk: 'time_dim',
      wr_item_sk: 'item',
      wr_refunded_customer_sk: 'customer',
      wr_refunded_cdemo_sk: 'customer_demographics',
      wr_refunded_hdemo_sk: 'household_demographics',
      wr_refunded_addr_sk: 'customer_address',
      wr_returning_customer_sk: 'customer',
      wr_returning_cdemo_sk: 'customer_demographics',
      wr_returning_hdemo_sk: 'household_demographics',
      wr_returning_addr_sk: 'customer_address',
      wr_web_page_sk: 'web_page',
      wr_reason_sk: 'reason',
    },
    `wr_returned_date_sk int, wr_returned_time_sk int, wr_item_sk int !,
     wr_refunded_customer_sk int, wr_refunded_cdemo_sk int, wr_refunded_hdemo_sk int,
     wr_refunded_addr_sk int, wr_returning_customer_sk int, wr_returning_cdemo_sk int,
     wr_returning_hdemo_sk int, wr_returning_addr_sk int, wr_web_page_sk int, wr_reason_sk int,
     wr_order_number int !, wr_return_quantity int,
     ${money(`wr_return_amt wr_return_tax wr_return_amt_inc_tax wr_fee wr_return_ship_cost
       wr_refunded_cash wr_reversed_charge wr_account_credit wr_net_loss`)}`,
  ),
  table(
    'inventory',
    ['inv_date_sk', 'inv_item_sk', 'inv_warehouse_sk'],
    { inv_date_sk: 'date_dim', inv_item_sk: 'item', inv_warehouse_sk: 'warehouse' },
    `inv_date_sk int !, inv_item_sk int !, inv_warehouse_sk int !, inv_quantity_on_hand int`,
  ),
];
