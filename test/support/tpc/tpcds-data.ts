// A deterministic TPC-DS data generator for tests and benchmarks, written from the TPC-DS
// specification (clause 2: the 24 tables, their columns, business and surrogate keys, and the
// foreign keys between them). It is not dsdgen: row counts are small and the value domains are
// chosen so that the 99 queries' filters find rows at a scale that loads in seconds. The schema
// is tpcds-schema.ts, the value lists and calendar tpcds-domains.ts, the dimension tables
// tpcds-dimensions.ts; the sales, returns and inventory are made here.
//
// What follows the specification:
// - the schema: every column of the 7 fact and 17 dimension tables with its type, primary keys
//   and the foreign keys (fact rows reference dimension rows that exist, or are NULL);
// - surrogate keys from 1, business keys of 16 characters; DATE_DIM keys are Julian day numbers
//   (2451545 is 2000-01-01) and carry every calendar column (d_month_seq 1200 is January 2000,
//   d_week_seq counts weeks from 1900, quarter names such as 2001Q1, day names, weekends,
//   holidays); TIME_DIM keys are seconds of the day;
// - names built from the specification's syllables (0 bar, 1 ought, 2 able, 3 pri, 4 ese, 5 anti,
//   6 cally, 7 ation, 8 eing, 9 n st): store 4 is 'ese', i_manufact and i_product_name spell
//   their numbers; the category → class → brand hierarchy (i_brand_id = category·10⁶ + class·10³
//   + n); items with revisions sharing one i_item_id; household demographics as the cross product
//   of buy potential, dependants and vehicles; income bands of 10,000;
// - sales: store tickets of 1..20 lines sharing date, time, customer, store and demographics;
//   catalog and web orders of 1..10 lines, each line from a warehouse, shipped 1..150 days after
//   the sale; about a tenth of the lines returned 1..150 days later (same ticket or order, item
//   and customer); amounts by the specification's pricing rules (list price from wholesale cost,
//   sales price from a discount, ext_* = price × quantity, net paid, tax, profit); about 2% of the
//   foreign keys NULL; weekly inventory snapshots per item and warehouse.
// What does not: cardinalities (one scale unit is ~50,000 store sales lines over 1998-2002, with
// inventory counted over 1999-2001), the domains (a few dozen counties, cities and zips, 30
// colours, 40 classes) and some correlations added so that the queries' joins meet at this
// size: customers mostly shop in a store of their county, buy again in another channel what
// they bought (or returned) in a store, and have shopping days on which they also order from
// the catalog and the web; a few customers and items sell far more than the others; some items
// are styled as Q41 looks for. Five queries (Q13, Q58, Q64, Q85, Q91) combine so many
// independent filters that nothing random passes them at this size: a few rows are added that
// do ("qualification rows" below).
//
// Values are what a SQL COPY or literal accepts: integers as numbers, decimals as strings with
// their scale ('12.30'), dates as 'YYYY-MM-DD', text as strings, NULL as null.
import {
  DAY_MS,
  FIRST_INVENTORY,
  LAST_INVENTORY,
  LAST_SALE,
  MARITAL_STATUSES,
  Q64_COLORS,
  cents,
  dayOf,
  julian,
} from './tpcds-domains.js';
import {
  CALL_CENTER_COUNT,
  CATALOG_PAGES,
  DEMOGRAPHICS,
  HOUSEHOLDS,
  PROMOTIONS,
  Q91_CUSTOMER,
  REASON_COUNT,
  Rng,
  SHIP_MODES,
  STORES,
  STREAM,
  TpcdsDimensions,
  WAREHOUSES,
  WEB_PAGES,
  WEB_SITES,
  demographicKey,
  householdKey,
  nullable,
  randomDay,
  type Profile,
} from './tpcds-dimensions.js';
import {
  TPCDS_TABLES,
  type TpcdsRow,
  type TpcdsTableDefinition,
  type TpcdsTableName,
  type TpcdsValue,
} from './tpcds-schema.js';

export * from './tpcds-schema.js';
export { businessKey, syllables } from './tpcds-domains.js';

export interface TpcdsTable extends TpcdsTableDefinition {
  readonly rows: readonly TpcdsRow[];
  /** CSV: comma-separated, text double-quoted, NULL as an empty field, no header. */
  csv(batchRows?: number): IterableIterator<string>;
}

export interface TpcdsOptions {
  /** Scale units: 1 gives ~50,000 store sales lines (the tests' size); at least 0.1. */
  scale?: number;
  /** The PRNG seed (see DEFAULT_SEED). */
  seed?: number;
}

/** The seed the tests were written against: with it every one of the 99 queries has rows. */
const DEFAULT_SEED = 20240;

// ---------------------------------------------------------------------------------------------
// Sales lines, priced as the specification prices them: list price from wholesale cost and a
// markup, sales price from a discount, ext_* = price × quantity, net paid, tax and profit.

interface Pricing {
  quantity: number;
  wholesale: number;
  list: number;
  sales: number;
  extDiscount: number;
  extSales: number;
  extWholesale: number;
  extList: number;
  extTax: number;
  coupon: number;
  extShipCost: number;
  netPaid: number;
  netPaidIncTax: number;
  netPaidIncShip: number;
  netPaidIncShipTax: number;
  netProfit: number;
}

/** A line sold at its list price with no coupon, tax or shipping: the profit is exact. */
function exactPricing(quantity: number, sales: number, wholesale: number): Pricing {
  const extSales = sales * quantity;
  const extWholesale = wholesale * quantity;
  return {
    quantity,
    wholesale,
    list: sales,
    sales,
    extDiscount: 0,
    extSales,
    extWholesale,
    extList: extSales,
    extTax: 0,
    coupon: 0,
    extShipCost: 0,
    netPaid: extSales,
    netPaidIncTax: extSales,
    netPaidIncShip: extSales,
    netPaidIncShipTax: extSales,
    netProfit: extSales - extWholesale,
  };
}

function pricing(rng: Rng): Pricing {
  const quantity = rng.int(1, 100);
  const wholesale = rng.int(100, 10000);
  const list = Math.round(wholesale * (1 + 2 * rng.next()));
  const sales = Math.max(1, Math.round(list * (0.2 + 0.8 * rng.next())));
  const extSales = sales * quantity;
  const extList = list * quantity;
  const extTax = Math.round((extSales * rng.int(0, 9)) / 100);
  const coupon = rng.chance(0.8) ? 0 : Math.round(extSales * rng.next());
  const extShipCost = Math.round((extList * rng.int(0, 10)) / 100);
  const netPaid = extSales - coupon;
  const extWholesale = wholesale * quantity;
  return {
    quantity,
    wholesale,
    list,
    sales,
    extDiscount: extList - extSales,
    extSales,
    extWholesale,
    extList,
    extTax,
    coupon,
    extShipCost,
    netPaid,
    netPaidIncTax: netPaid + extTax,
    netPaidIncShip: netPaid + extShipCost,
    netPaidIncShipTax: netPaid + extShipCost + extTax,
    netProfit: netPaid - extWholesale,
  };
}

/**
 * The columns of a return of 1..quantity units of a line (`units` when given): the quantity, then
 * the amounts and how they were refunded.
 */
function returned(rng: Rng, line: Pricing, units?: number): TpcdsValue[] {
  const quantity = units ?? rng.int(1, line.quantity);
  const amount = line.sales * quantity;
  const tax = Math.round((amount * rng.int(0, 9)) / 100);
  const fee = rng.int(50, 10000);
  const shipCost = Math.round((line.list * quantity * rng.int(0, 10)) / 100);
  const cash = Math.round((amount + tax) * rng.next());
  const reversed = Math.round((amount + tax - cash) * rng.next());
  const credit = amount + tax - cash - reversed;
  const netLoss = Math.round((amount * rng.int(0, 50)) / 100) + fee + shipCost;
  const amounts = [amount, tax, amount + tax, fee, shipCost, cash, reversed, credit, netLoss];
  return [quantity, ...amounts.map(cents)];
}

/** What the lines of a store ticket share. */
interface StoreTicket {
  number: number;
  day: number;
  time: number;
  customer: number | null;
  /** The customer's current profile (returns mostly come from it). */
  own: Profile;
  cdemo: number | null;
  hdemo: number | null;
  addr: number | null;
  store: number | null;
}

/** A store line the other channels may follow up on. */
interface StoreLine {
  customer: number | null;
  item: number;
  day: number;
  returnedDay?: number;
}

/** What the lines of a catalog or web order share. */
interface Order {
  number: number;
  day: number;
  time: number;
  shipDay: number;
  bill: number | null;
  billed: Profile;
  ship: number | null;
  shipped: Profile;
  shipAddr: number | null;
  shipMode: number | null;
  /** Catalog orders: the call center. */
  center: number | null;
  /** Web orders: the page and site. */
  page: number | null;
  site: number | null;
}

/** The bill-to and ship-to columns of an order's lines (and returns, shipped to `shipAddr`). */
const parties = (o: Order, shipAddr: number | null): TpcdsValue[] => [
  o.bill,
  o.billed.cdemo,
  o.billed.hdemo,
  o.billed.addr,
  o.ship,
  o.shipped.cdemo,
  o.shipped.hdemo,
  shipAddr,
];

interface CatalogLine {
  item: number;
  page: number | null;
  warehouse: number | null;
}

/** Customers 1..3 buy often (Q23's best customers); items 1..5 sell well (Q23's frequent). */
const BEST_CUSTOMERS = 3;
const BEST_SELLERS = 5;
// ---------------------------------------------------------------------------------------------
// The generator

export class TpcdsGenerator {
  readonly scale: number;
  readonly seed: number;
  readonly customers: number;
  readonly addresses: number;
  readonly items: number;
  readonly tickets: number;
  readonly catalogOrders: number;
  readonly webOrders: number;
  private readonly data = new Map<TpcdsTableName, TpcdsRow[]>();
  private readonly dims: TpcdsDimensions;
  private readonly storeSales: TpcdsRow[] = [];
  private readonly storeReturns: TpcdsRow[] = [];
  private readonly catalogSales: TpcdsRow[] = [];
  private readonly catalogReturns: TpcdsRow[] = [];
  private readonly webSales: TpcdsRow[] = [];
  private readonly webReturns: TpcdsRow[] = [];
  private readonly storeLines: StoreLine[] = [];
  private readonly returnedLines: StoreLine[] = [];
  private readonly ticketList: StoreTicket[] = [];
  /** Store tickets whose customer also ordered from the catalog that day. */
  private readonly sharedDays: StoreTicket[] = [];
  /** Qualification tickets and orders so far (numbered after the random ones). */
  private readonly planted = { store: 0, catalog: 0, web: 0 };

  constructor(opts: TpcdsOptions = {}) {
    const scale = opts.scale ?? 1;
    if (!(scale >= 0.1)) throw new Error(`TPC-DS test scale must be at least 0.1: ${scale}`);
    this.scale = scale;
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.customers = Math.round(1200 * scale);
    this.addresses = Math.round(600 * scale);
    this.items = Math.round(300 * Math.sqrt(scale));
    this.tickets = Math.round(5000 * scale);
    this.catalogOrders = Math.round(2200 * scale);
    this.webOrders = Math.round(1400 * scale);

    this.dims = new TpcdsDimensions(this.seed, this);
    for (const [name, rows] of this.dims.rows) this.data.set(name, rows);
    this.storeChannel();
    this.catalogChannel();
    this.webChannel();
    this.qualificationRows();
    this.data.set('store_sales', this.storeSales);
    this.data.set('store_returns', this.storeReturns);
    this.data.set('catalog_sales', this.catalogSales);
    this.data.set('catalog_returns', this.catalogReturns);
    this.data.set('web_sales', this.webSales);
    this.data.set('web_returns', this.webReturns);
    this.data.set('inventory', this.inventory());
  }

  /** The 24 tables, every referenced table before its referrers. */
  tables(): TpcdsTable[] {
    return TPCDS_TABLES.map((t) => this.table(t.name));
  }

  table(name: TpcdsTableName): TpcdsTable {
    const def = TPCDS_TABLES.find((t) => t.name === name);
    const rows = this.data.get(name);
    if (def === undefined || rows === undefined) throw new Error(`no TPC-DS table ${name}`);
    const text = def.columns.map((c) => c.kind === 'char' || c.kind === 'varchar');
    return {
      ...def,
      rows,
      *csv(batchRows = 10_000) {
        for (let at = 0; at < rows.length; at += batchRows) {
          let chunk = '';
          for (const row of rows.slice(at, at + batchRows)) {
            // The generator never produces a double quote, so quoting needs no escapes.
            chunk += row
              .map((v, i) => (v === null ? '' : text[i] ? `"${v}"` : String(v)))
              .join(',');
            chunk += '\n';
          }
          yield chunk;
        }
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Facts

  /** A sales day: November and December sell twice as much as other months. */
  private saleDay(rng: Rng): number {
    for (;;) {
      const day = randomDay(rng);
      const month = new Date(day * DAY_MS).getUTCMonth() + 1;
      if (month >= 11 || rng.chance(0.5)) return day;
    }
  }

  private pickCustomer(rng: Rng): number {
    return rng.chance(0.04) ? rng.int(1, BEST_CUSTOMERS) : rng.int(1, this.customers);
  }

  private pickItem(rng: Rng): number {
    return rng.chance(0.2) ? rng.int(1, BEST_SELLERS) : rng.int(1, this.items);
  }

  /** `count` distinct items, starting with `first` when given. */
  private pickItems(rng: Rng, count: number, first?: number): number[] {
    const items = new Set<number>(first === undefined ? [] : [first]);
    while (items.size < Math.min(count, this.items)) items.add(this.pickItem(rng));
    return [...items];
  }

  private profile(customer: number | null, rng: Rng): Profile {
    return customer === null
      ? {
          cdemo: rng.int(1, DEMOGRAPHICS),
          hdemo: rng.int(1, HOUSEHOLDS),
          addr: rng.int(1, this.addresses),
        }
      : this.dims.profiles[customer - 1]!;
  }

  /** Customers mostly shop in a store of their own county, when it has one. */
  private pickStore(addr: number, rng: Rng): number | null {
    const local = this.dims.storesByCounty.get(this.dims.addressCounties[addr - 1]!);
    if (local !== undefined && rng.chance(0.6)) return rng.pick(local);
    return rng.key(STORES, 0.02);
  }

  /** The money columns of a sales line (store sales have no ship cost or inc_ship columns). */
  private static money(p: Pricing, channel: 'store' | 'other', rng: Rng | null): TpcdsValue[] {
    const values = [
      p.wholesale,
      p.list,
      p.sales,
      p.extDiscount,
      p.extSales,
      p.extWholesale,
      p.extList,
      p.extTax,
      p.coupon,
      ...(channel === 'store' ? [] : [p.extShipCost]),
      p.netPaid,
      p.netPaidIncTax,
      ...(channel === 'store' ? [] : [p.netPaidIncShip, p.netPaidIncShipTax]),
      p.netProfit,
    ];
    const maybe = <T>(v: T) => (rng === null ? v : nullable(rng, v));
    return [maybe(p.quantity), ...values.map((c) => maybe(cents(c)))];
  }

  private storeLine(t: StoreTicket, item: number, p: Pricing, rng: Rng | null): StoreLine {
    this.storeSales.push([
      julian(t.day),
      t.time,
      item,
      t.customer,
      t.cdemo,
      t.hdemo,
      t.addr,
      t.store,
      rng === null ? 1 : rng.key(PROMOTIONS, 0.02),
      t.number,
      ...TpcdsGenerator.money(p, 'store', rng),
    ]);
    const line: StoreLine = { customer: t.customer, item, day: t.day };
    this.storeLines.push(line);
    return line;
  }

  /** A return of a store line, on `day`, by the customer as they are now (mostly). */
  private storeReturn(t: StoreTicket, line: StoreLine, p: Pricing, day: number, rng: Rng): void {
    line.returnedDay = day;
    this.returnedLines.push(line);
    const returnedColumns = returned(rng, p);
    this.storeReturns.push([
      julian(day),
      rng.int(8 * 60, 22 * 60 - 1) * 60,
      line.item,
      t.customer,
      rng.chance(0.7) ? t.own.cdemo : rng.int(1, DEMOGRAPHICS),
      rng.chance(0.7) ? t.own.hdemo : rng.int(1, HOUSEHOLDS),
      rng.chance(0.7) ? t.own.addr : rng.int(1, this.addresses),
      t.store,
      rng.key(REASON_COUNT, 0.02),
      t.number,
      ...returnedColumns,
    ]);
  }

  private storeChannel(): void {
    const rng = new Rng(this.seed, STREAM.store);
    for (let ticket = 1; ticket <= this.tickets; ticket++) {
      const day = this.saleDay(rng);
      const customer = rng.chance(0.02) ? null : this.pickCustomer(rng);
      const own = this.profile(customer, rng);
      const addr = rng.chance(0.7) ? own.addr : rng.int(1, this.addresses);
      const t: StoreTicket = {
        number: ticket,
        day,
        time: rng.int(8 * 60, 22 * 60 - 1) * 60,
        customer,
        own,
        cdemo: nullable(rng, rng.chance(0.5) ? own.cdemo : rng.int(1, DEMOGRAPHICS), 0.02),
        hdemo: nullable(rng, rng.chance(0.5) ? own.hdemo : rng.int(1, HOUSEHOLDS), 0.02),
        addr: nullable(rng, addr, 0.02),
        store: this.pickStore(addr, rng),
      };
      this.ticketList.push(t);
      for (const item of this.pickItems(rng, rng.int(1, 20))) {
        const p = pricing(rng);
        const line = this.storeLine(t, item, p, rng);
        if (rng.chance(0.1)) this.storeReturn(t, line, p, day + rng.int(1, 150), rng);
      }
    }
  }

  /**
   * An order's customer and day: a follow-up of a store line (the same customer buys the same
   * item again, after the sale or its return), a store shopping day, or neither.
   */
  private orderOrigin(
    rng: Rng,
    followUps: number,
    sameDay: number,
    days: readonly StoreTicket[],
  ): { customer: number | null; day: number; item?: number; shared?: StoreTicket } {
    const r = rng.next();
    if (r < followUps) {
      const lines = rng.chance(0.7) ? this.returnedLines : this.storeLines;
      const line = rng.pick(lines);
      const day = (line.returnedDay ?? line.day) + rng.int(1, 60);
      if (line.customer !== null && day <= LAST_SALE) {
        return { customer: line.customer, day, item: line.item };
      }
    } else if (r < followUps + sameDay && days.length > 0) {
      const shared = rng.pick(days);
      if (shared.customer !== null) return { customer: shared.customer, day: shared.day, shared };
    }
    return {
      customer: rng.chance(0.02) ? null : this.pickCustomer(rng),
      day: this.saleDay(rng),
    };
  }

  /** An order's header: who bills and ships, when, how. */
  private order(
    rng: Rng,
    number: number,
    origin: { customer: number | null; day: number },
    shipNulls: 'customer' | 'address',
  ): Order {
    const bill = origin.customer;
    const ship0 = rng.chance(0.85) ? bill : this.pickCustomer(rng);
    const ship = shipNulls === 'customer' ? nullable(rng, ship0, 0.02) : ship0;
    const shipped = this.profile(ship, rng);
    return {
      number,
      day: origin.day,
      time: rng.int(0, 24 * 60 - 1) * 60,
      shipDay: origin.day + rng.int(1, 150),
      bill,
      billed: this.profile(bill, rng),
      ship,
      shipped,
      shipAddr: shipNulls === 'address' ? nullable(rng, shipped.addr, 0.02) : shipped.addr,
      shipMode: rng.key(SHIP_MODES, 0.02),
      center: rng.key(CALL_CENTER_COUNT, 0.02),
      page: rng.key(WEB_PAGES, 0.02),
      site: rng.key(WEB_SITES, 0.02),
    };
  }

  private catalogLine(o: Order, item: number, p: Pricing, rng: Rng | null): CatalogLine {
    const line = {
      item,
      page: rng === null ? 1 : rng.key(CATALOG_PAGES, 0.02),
      warehouse: rng === null ? 1 : rng.key(WAREHOUSES, 0.02),
    };
    this.catalogSales.push([
      julian(o.day),
      o.time,
      julian(o.shipDay),
      ...parties(o, o.shipAddr),
      o.center,
      line.page,
      o.shipMode,
      line.warehouse,
      item,
      rng === null ? 1 : rng.key(PROMOTIONS, 0.02),
      o.number,
      ...TpcdsGenerator.money(p, 'other', rng),
    ]);
    return line;
  }

  private catalogReturn(
    o: Order,
    line: CatalogLine,
    p: Pricing,
    day: number,
    rng: Rng,
    units?: number,
  ): void {
    const returnedColumns = returned(rng, p, units);
    this.catalogReturns.push([
      julian(day),
      rng.int(0, 24 * 60 - 1) * 60,
      line.item,
      ...parties(o, o.shipped.addr),
      o.center,
      line.page,
      o.shipMode,
      line.warehouse,
      rng.key(REASON_COUNT, 0.02),
      o.number,
      ...returnedColumns,
    ]);
  }

  private catalogChannel(): void {
    const rng = new Rng(this.seed, STREAM.catalog);
    for (let number = 1; number <= this.catalogOrders; number++) {
      const origin = this.orderOrigin(rng, 0.25, 0.1, this.ticketList);
      if (origin.shared !== undefined) this.sharedDays.push(origin.shared);
      const o = this.order(rng, number, origin, 'address');
      for (const item of this.pickItems(rng, rng.int(1, 10), origin.item)) {
        const p = pricing(rng);
        const line = this.catalogLine(o, item, p, rng);
        if (rng.chance(0.1)) this.catalogReturn(o, line, p, o.shipDay + rng.int(1, 60), rng);
      }
    }
  }

  private webLine(o: Order, item: number, p: Pricing, rng: Rng | null): void {
    this.webSales.push([
      julian(o.day),
      o.time,
      julian(o.shipDay),
      item,
      ...parties(o, o.shipAddr),
      o.page,
      o.site,
      o.shipMode,
      rng === null ? 1 : rng.key(WAREHOUSES, 0.02),
      rng === null ? 1 : rng.key(PROMOTIONS, 0.02),
      o.number,
      ...TpcdsGenerator.money(p, 'other', rng),
    ]);
  }

  private webReturn(o: Order, item: number, p: Pricing, day: number, rng: Rng): void {
    const returnedColumns = returned(rng, p);
    this.webReturns.push([
      julian(day),
      rng.int(0, 24 * 60 - 1) * 60,
      item,
      ...parties(o, o.shipped.addr),
      o.page,
      rng.key(REASON_COUNT, 0.02),
      o.number,
      ...returnedColumns,
    ]);
  }

  private webChannel(): void {
    const rng = new Rng(this.seed, STREAM.web);
    for (let number = 1; number <= this.webOrders; number++) {
      const origin = this.orderOrigin(rng, 0.1, 0.15, this.sharedDays);
      const o = this.order(rng, number, origin, 'customer');
      for (const item of this.pickItems(rng, rng.int(1, 10), origin.item)) {
        const p = pricing(rng);
        this.webLine(o, item, p, rng);
        if (rng.chance(0.1)) this.webReturn(o, item, p, o.shipDay + rng.int(1, 60), rng);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Qualification rows. Q13, Q58, Q64, Q85 and Q91 combine so many independent filters that at this
  // size no random row passes them (Q13: demographics, household, state, price band and profit
  // band of one sale). For each, a few rows are generated that do, like any other rows: they
  // reference existing dimension rows and keep the pricing rules.

  private qualificationRows(): void {
    const rng = new Rng(this.seed, STREAM.qualification);
    const day = (iso: string) => dayOf(iso);
    // Q13: one store line per demographic profile, in 2001, in a state and profit band it names.
    const q13: [string, string, number, string, number, number, number][] = [
      ['M', 'Advanced Degree', 3, 'TX', 2, 12000, 4500],
      ['S', 'College', 1, 'KY', 4, 8000, 3000],
      ['W', '2 yr Degree', 1, 'VA', 1, 18000, 8000],
    ];
    for (const [
      i,
      [marital, education, deps, state, quantity, sales, wholesale],
    ] of q13.entries()) {
      const addr = this.dims.addressIn([state]);
      if (addr === undefined) continue;
      const t = this.plantedTicket(day('2001-06-11') + i, 10 + i, {
        cdemo: demographicKey('F', marital, education),
        hdemo: householdKey(0, deps, 1),
        addr,
      });
      this.storeLine(t, 20 + i, exactPricing(quantity, sales, wholesale), null);
    }
    // Q85: web sales in 2000 returned by buyers of two of its profiles, from states it names.
    const q85: [string, string, string, number, number, number][] = [
      ['M', 'Advanced Degree', 'IN', 2, 12000, 4500],
      ['S', 'College', 'KY', 4, 8000, 3000],
    ];
    for (const [i, [marital, education, state, quantity, sales, wholesale]] of q85.entries()) {
      const addr = this.dims.addressIn([state]);
      if (addr === undefined) continue;
      const who = {
        cdemo: demographicKey('M', marital, education),
        hdemo: householdKey(1, 2, 2),
        addr,
      };
      const o = this.plantedOrder('web', day('2000-03-10') + i, 13 + i, who);
      const p = exactPricing(quantity, sales, wholesale);
      this.webLine(o, 30 + i, p, null);
      this.webReturn(o, 30 + i, p, o.shipDay + 10, rng);
    }
    // Q91: catalog returns in November 1998 by the customer whose profile Q91 looks for.
    const o = this.plantedOrder('catalog', day('1998-10-01'), Q91_CUSTOMER, undefined);
    for (const item of [40, 41]) {
      const p = exactPricing(3, 5000, 2000);
      this.catalogReturn(o, this.catalogLine(o, item, p, null), p, day('1998-11-10'), rng);
    }
    // Q64: an item of the colours and prices it names, bought and returned in the same store in
    // 1999 and 2000 by a customer whose marital status changed, and little refunded from the
    // catalog.
    const styled = this.data
      .get('item')!
      .find(
        (r) => Q64_COLORS.includes(r[17] as string) && Number(r[5]) >= 65 && Number(r[5]) <= 74,
      );
    if (styled !== undefined) {
      const item = styled[0] as number;
      const customer = 21;
      const current = this.dims.profiles[customer - 1]!;
      const marital = Math.floor((current.cdemo - 1) / 28) % MARITAL_STATUSES.length;
      const before = {
        ...current,
        cdemo: demographicKey('F', MARITAL_STATUSES[(marital + 1) % 5]!, 'College'),
      };
      for (const iso of ['1999-04-20', '2000-04-20']) {
        const t = this.plantedTicket(day(iso), customer, before);
        const p = exactPricing(5, 7000, 3000);
        this.storeReturn(t, this.storeLine(t, item, p, null), p, day(iso) + 20, rng);
      }
      const o = this.plantedOrder('catalog', day('1999-06-01'), customer, undefined);
      const p = exactPricing(100, 50000, 20000);
      this.catalogReturn(o, this.catalogLine(o, item, p, null), p, day('1999-06-30'), rng, 1);
    }
    // Q58: an item sold for about the same revenue in all three channels in one week, among
    // items nothing else sold that week.
    const week = day('2000-01-02');
    const sold = new Set<string>();
    const note = (rows: TpcdsRow[], dateColumn: number, itemColumn: number) => {
      for (const r of rows) {
        const d = (r[dateColumn] as number | null) ?? 0;
        if (d >= julian(week) && d < julian(week + 7))
          sold.add(this.itemId(r[itemColumn] as number));
      }
    };
    note(this.storeSales, 0, 2);
    note(this.catalogSales, 0, 15);
    note(this.webSales, 0, 3);
    let item = BEST_SELLERS + 1;
    while (item < this.items && sold.has(this.itemId(item))) item++;
    const t = this.plantedTicket(week + 2, 16, undefined);
    this.storeLine(t, item, exactPricing(10, 10000, 4000), null);
    this.catalogLine(
      this.plantedOrder('catalog', week + 3, 17, undefined),
      item,
      exactPricing(10, 10100, 4000),
      null,
    );
    this.webLine(
      this.plantedOrder('web', week + 4, 18, undefined),
      item,
      exactPricing(10, 9900, 4000),
      null,
    );
  }

  private itemId(sk: number): string {
    return this.dims.rows.get('item')![sk - 1]![1] as string;
  }

  /** A store ticket of `customer` (with another profile, when given) at store 1. */
  private plantedTicket(day: number, customer: number, as: Profile | undefined): StoreTicket {
    const own = this.dims.profiles[customer - 1]!;
    const who = as ?? own;
    return {
      number: this.tickets + ++this.planted.store,
      day,
      time: 12 * 3600,
      customer,
      own,
      cdemo: who.cdemo,
      hdemo: who.hdemo,
      addr: who.addr,
      store: 1,
    };
  }

  /** A catalog or web order of `customer` (with another profile, when given). */
  private plantedOrder(
    channel: 'catalog' | 'web',
    day: number,
    customer: number,
    as: Profile | undefined,
  ): Order {
    const who = as ?? this.dims.profiles[customer - 1]!;
    const number =
      channel === 'catalog'
        ? this.catalogOrders + ++this.planted.catalog
        : this.webOrders + ++this.planted.web;
    return {
      number,
      day,
      time: 12 * 3600,
      shipDay: day + 5,
      bill: customer,
      billed: who,
      ship: customer,
      shipped: who,
      shipAddr: who.addr,
      shipMode: 1,
      center: 1,
      page: 1,
      site: 1,
    };
  }

  /**
   * Weekly counts of each item in two of the warehouses: a quarter of them empty (so that some
   * months vary more than their mean, as Q39 looks for), a few unknown.
   */
  private inventory(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.inventory);
    const rows: TpcdsRow[] = [];
    for (let day = FIRST_INVENTORY; day <= LAST_INVENTORY; day += 7) {
      for (let item = 1; item <= this.items; item++) {
        for (const warehouse of [(item % WAREHOUSES) + 1, ((item + 2) % WAREHOUSES) + 1]) {
          const quantity = rng.chance(0.25) ? 0 : rng.int(1, 1000);
          rows.push([julian(day), item, warehouse, nullable(rng, quantity, 0.05)]);
        }
      }
    }
    return rows;
  }
}
