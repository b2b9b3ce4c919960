// The dimension tables of the TPC-DS test generator (tpcds-data.ts): the calendar, demographics,
// addresses, customers, items, stores and the other places sales happen in, promotions and
// reasons. The sales and returns that reference them are generated in tpcds-data.ts, which also
// says what follows the specification and what does not.
import { seededRandom } from '../random.js';
import {
  BIRTH_COUNTRIES,
  BRAND_STEMS,
  BUY_POTENTIALS,
  CALL_CENTERS,
  CARRIERS,
  CATEGORIES,
  CITIES,
  COLORS,
  COUNTIES,
  CREDIT_RATINGS,
  DAY_MS,
  DAY_NAMES,
  EDUCATION_STATUSES,
  FIRST_DATE,
  FIRST_NAMES,
  FIRST_SALE,
  GENDERS,
  GMT,
  LAST_DATE,
  LAST_NAMES,
  LAST_SALE,
  LOCATION_TYPES,
  MARITAL_STATUSES,
  NAMED_BRANDS,
  NAMED_MANUFACTS,
  Q41_STYLES,
  REASONS,
  REC_END,
  REC_START,
  REVISED,
  SALUTATIONS,
  SHIP_CODES,
  SHIP_TYPES,
  SIZES,
  STREET_NAMES,
  STREET_TYPES,
  SYLLABLES,
  UNITS,
  WORDS,
  businessKey,
  cents,
  dayOf,
  isoOf,
  julian,
  syllables,
} from './tpcds-domains.js';
import type { TpcdsRow, TpcdsTableName, TpcdsValue } from './tpcds-schema.js';

// ---------------------------------------------------------------------------------------------
// Randomness

export class Rng {
  private readonly random: () => number;

  constructor(seed: number, stream: number) {
    this.random = seededRandom(Math.imul(seed, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b));
  }

  next(): number {
    return this.random();
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)] as T;
  }

  /** A key in 1..n, or NULL with probability `nulls`. */
  key(n: number, nulls = 0): number | null {
    return nulls > 0 && this.chance(nulls) ? null : this.int(1, n);
  }

  words(min: number, max: number): string {
    const n = this.int(min, max);
    return Array.from({ length: n }, () => this.pick(WORDS)).join(' ');
  }
}

/** Streams, one per table, so that tables do not share random sequences. */
export const STREAM = {
  dates: 1,
  customers: 2,
  addresses: 3,
  demographics: 4,
  items: 5,
  stores: 6,
  centers: 7,
  pages: 8,
  sites: 9,
  webPages: 10,
  warehouses: 11,
  shipModes: 12,
  promotions: 13,
  store: 14,
  catalog: 15,
  web: 16,
  inventory: 17,
  qualification: 18,
} as const;

/** Sometimes NULL, as the specification's data has NULLs in most columns. */
export function nullable<T>(rng: Rng, value: T, p = 0.005): T | null {
  return rng.chance(p) ? null : value;
}

/** A day in [from, to] (days since 1970-01-01), by default one of the sales years. */
export function randomDay(rng: Rng, from = FIRST_SALE, to = LAST_SALE): number {
  return rng.int(from, to);
}

/** A customer's demographics, household and address. */
export interface Profile {
  cdemo: number;
  hdemo: number;
  addr: number;
}

export const DEMOGRAPHICS =
  GENDERS.length * MARITAL_STATUSES.length * EDUCATION_STATUSES.length * CREDIT_RATINGS.length;
export const HOUSEHOLDS = BUY_POTENTIALS.length * 10 * 6;

/** The key of a CUSTOMER_DEMOGRAPHICS row (the table is their cross product). */
export function demographicKey(gender: string, marital: string, education: string): number {
  const g = GENDERS.indexOf(gender);
  const m = MARITAL_STATUSES.indexOf(marital);
  const e = EDUCATION_STATUSES.indexOf(education);
  return ((g * MARITAL_STATUSES.length + m) * EDUCATION_STATUSES.length + e) * 4 + 1;
}

/** The key of a HOUSEHOLD_DEMOGRAPHICS row (the table is their cross product). */
export function householdKey(buyPotential: number, dependants: number, vehicles: number): number {
  return (vehicles + 1) * 60 + dependants * BUY_POTENTIALS.length + buyPotential + 1;
}

/** Q91 looks for returns of a customer married with unknown education, of unknown buying
 * potential, living in a GMT-7 state: customer 7 is one. */
export const Q91_CUSTOMER = 7;
export const REASON_COUNT = REASONS.length;
export const STORES = 12;
export const CALL_CENTER_COUNT = CALL_CENTERS.length;
export const CATALOG_PAGES = 60;
export const WEB_SITES = 6;
export const WEB_PAGES = 30;
export const WAREHOUSES = 5;
export const SHIP_MODES = CARRIERS.length;
export const PROMOTIONS = 50;

/** Where an address is: a county, its state and GMT offset, one of its zips. */
interface Place {
  county: string;
  state: string;
  zip: string;
  gmt: string;
}

/** The sizes the scale sets. */
export interface DimensionSizes {
  customers: number;
  addresses: number;
  items: number;
}

export class TpcdsDimensions {
  /** The rows of each dimension table. */
  readonly rows = new Map<TpcdsTableName, TpcdsRow[]>();
  /** Each customer's current demographics, household and address (customer 1 first). */
  readonly profiles: Profile[] = [];
  /** Each address's county and state (address 1 first). */
  readonly addressCounties: string[] = [];
  readonly addressStates: string[] = [];
  readonly storesByCounty = new Map<string, number[]>();
  private readonly customers: number;
  private readonly addresses: number;
  private readonly items: number;

  constructor(
    private readonly seed: number,
    sizes: DimensionSizes,
  ) {
    this.customers = sizes.customers;
    this.addresses = sizes.addresses;
    this.items = sizes.items;
    this.rows.set('date_dim', this.dateDim());
    this.rows.set('time_dim', this.timeDim());
    this.rows.set('income_band', this.incomeBand());
    this.rows.set('household_demographics', this.householdDemographics());
    this.rows.set('customer_demographics', this.customerDemographics());
    this.rows.set('customer_address', this.customerAddress());
    this.rows.set('customer', this.customer());
    this.rows.set('item', this.item());
    this.rows.set('store', this.store());
    this.rows.set('call_center', this.callCenter());
    this.rows.set('catalog_page', this.catalogPage());
    this.rows.set('web_site', this.webSite());
    this.rows.set('web_page', this.webPage());
    this.rows.set('warehouse', this.warehouse());
    this.rows.set('ship_mode', this.shipMode());
    this.rows.set('reason', this.reason());
    this.rows.set('promotion', this.promotion());
  }

  /** The first address in one of `states`, if any. */
  addressIn(states: readonly string[]): number | undefined {
    const i = this.addressStates.findIndex((s) => states.includes(s));
    return i < 0 ? undefined : i + 1;
  }

  private dateDim(): TpcdsRow[] {
    const rows: TpcdsRow[] = [];
    const holiday = (d: Date) =>
      ['1-1', '5-30', '7-4', '9-1', '11-25', '12-25'].includes(
        `${d.getUTCMonth() + 1}-${d.getUTCDate()}`,
      );
    const sunday1899 = dayOf('1899-12-31');
    for (let day = FIRST_DATE; day <= LAST_DATE; day++) {
      const d = new Date(day * DAY_MS);
      const year = d.getUTCFullYear();
      const month = d.getUTCMonth() + 1;
      const dom = d.getUTCDate();
      const dow = d.getUTCDay();
      const quarter = Math.floor((month - 1) / 3) + 1;
      const sk = julian(day);
      const weekSeq = Math.floor((day - sunday1899) / 7) + 1;
      const quarterSeq = (year - 1900) * 4 + quarter;
      const lastDom = Date.UTC(year, month, 0) / DAY_MS;
      rows.push([
        sk,
        businessKey(sk),
        isoOf(day),
        (year - 1900) * 12 + month - 1,
        weekSeq,
        quarterSeq,
        year,
        dow,
        month,
        dom,
        quarter,
        year,
        quarterSeq,
        weekSeq,
        DAY_NAMES[dow] as string,
        `${year}Q${quarter}`,
        holiday(d) ? 'Y' : 'N',
        dow === 0 || dow === 6 ? 'Y' : 'N',
        holiday(new Date((day - 1) * DAY_MS)) ? 'Y' : 'N',
        julian(day - dom + 1),
        julian(lastDom),
        julian(Date.UTC(year - 1, month - 1, dom) / DAY_MS),
        julian(Date.UTC(year, month - 4, dom) / DAY_MS),
        'N',
        'N',
        'N',
        'N',
        'N',
      ]);
    }
    return rows;
  }

  /** One row a minute; the key is the second of the day. */
  private timeDim(): TpcdsRow[] {
    const rows: TpcdsRow[] = [];
    for (let m = 0; m < 24 * 60; m++) {
      const hour = Math.floor(m / 60);
      const sk = m * 60;
      const meal =
        hour >= 6 && hour <= 8
          ? 'breakfast'
          : hour >= 11 && hour <= 13
            ? 'lunch'
            : hour >= 17 && hour <= 19
              ? 'dinner'
              : null;
      rows.push([
        sk,
        businessKey(sk),
        sk,
        hour,
        m % 60,
        0,
        hour < 12 ? 'AM' : 'PM',
        hour < 8 ? 'third' : hour < 16 ? 'first' : 'second',
        hour < 6 ? 'night' : hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : 'evening',
        meal,
      ]);
    }
    return rows;
  }

  private incomeBand(): TpcdsRow[] {
    return Array.from({ length: 20 }, (_, i) => [
      i + 1,
      i === 0 ? 0 : i * 10000 + 1,
      (i + 1) * 10000,
    ]);
  }

  /** The cross product of buy potential, dependants (0..9) and vehicles (-1..4). */
  private householdDemographics(): TpcdsRow[] {
    return Array.from({ length: HOUSEHOLDS }, (_, i) => [
      i + 1,
      (i % 20) + 1,
      BUY_POTENTIALS[i % BUY_POTENTIALS.length] as string,
      Math.floor(i / BUY_POTENTIALS.length) % 10,
      Math.floor(i / (BUY_POTENTIALS.length * 10)) - 1,
    ]);
  }

  /** The cross product of gender, marital status, education and credit rating. */
  private customerDemographics(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.demographics);
    const rows: TpcdsRow[] = [];
    for (const gender of GENDERS)
      for (const marital of MARITAL_STATUSES)
        for (const education of EDUCATION_STATUSES)
          for (const credit of CREDIT_RATINGS)
            rows.push([
              rows.length + 1,
              gender,
              marital,
              education,
              rng.int(1, 20) * 500,
              credit,
              rng.int(0, 6),
              rng.int(0, 6),
              rng.int(0, 6),
            ]);
    return rows;
  }

  /** A weighted county with its state, GMT offset and one of its zips. */
  private place(rng: Rng): Place {
    const total = COUNTIES.reduce((sum, c) => sum + c[2], 0);
    let at = rng.next() * total;
    let chosen = COUNTIES[0]!;
    for (const c of COUNTIES) {
      at -= c[2];
      if (at < 0) {
        chosen = c;
        break;
      }
    }
    return this.placeIn(rng, chosen[0]);
  }

  private placeIn(rng: Rng, county: string): Place {
    const c = COUNTIES.find((x) => x[0] === county);
    if (c === undefined) throw new Error(`no county ${county}`);
    return { county, state: c[1], zip: rng.pick(c[3]), gmt: cents(100 * (GMT[c[1]] ?? 0)) };
  }

  /**
   * The address columns every located table has: street number, name, type, suite, city, county,
   * state, zip, country and GMT offset.
   */
  private address(rng: Rng, p: Place, city?: string): TpcdsValue[] {
    const street = [
      String(rng.int(1, 999)),
      `${rng.pick(STREET_NAMES)} ${rng.pick(STREET_NAMES)}`,
      rng.pick(STREET_TYPES),
      `Suite ${rng.int(0, 49) * 10}`,
    ];
    return [...street, city ?? rng.pick(CITIES), p.county, p.state, p.zip, 'United States', p.gmt];
  }

  private customerAddress(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.addresses);
    return Array.from({ length: this.addresses }, (_, i) => {
      const p = this.place(rng);
      this.addressCounties.push(p.county);
      this.addressStates.push(p.state);
      return [i + 1, businessKey(i + 1), ...this.address(rng, p), rng.pick(LOCATION_TYPES)];
    });
  }

  private customer(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.customers);
    return Array.from({ length: this.customers }, (_, i) => {
      const profile = {
        cdemo: rng.int(1, DEMOGRAPHICS),
        hdemo: rng.int(1, HOUSEHOLDS),
        addr: rng.int(1, this.addresses),
      };
      if (i + 1 === Q91_CUSTOMER) {
        profile.cdemo = demographicKey('M', 'M', 'Unknown');
        profile.hdemo = householdKey(BUY_POTENTIALS.indexOf('Unknown'), 2, 1);
        profile.addr = this.addressIn(['NM', 'MT', 'CO', 'SD']) ?? profile.addr;
      }
      this.profiles.push(profile);
      const firstSale = randomDay(rng);
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      return [
        i + 1,
        businessKey(i + 1),
        profile.cdemo,
        profile.hdemo,
        profile.addr,
        julian(firstSale + rng.int(0, 30)),
        julian(firstSale),
        rng.pick(SALUTATIONS),
        first,
        last,
        nullable(rng, rng.chance(0.5) ? 'Y' : 'N', 0.03),
        rng.int(1, 28),
        rng.int(1, 12),
        rng.int(1924, 1992),
        rng.pick(BIRTH_COUNTRIES),
        null,
        `${first}.${last}@${rng.pick(['example.com', 'mail.org', 'post.net'])}`,
        julian(randomDay(rng)),
      ];
    });
  }

  /**
   * Items; about a third have a second revision (a new row with the same i_item_id, a new price
   * and description, valid from REVISED). Items 10, 17, 24 ... are styled as Q41 looks for.
   */
  private item(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.items);
    const rows: TpcdsValue[][] = [];
    let id = 0;
    for (let sk = 1; sk <= this.items; sk++) {
      const price = rng.chance(0.07) ? rng.int(99, 149) : rng.int(9, 9999);
      const wholesale = Math.max(1, Math.round(price * (0.3 + 0.6 * rng.next())));
      const previous = rows[rows.length - 1];
      if (previous !== undefined && previous[3] !== null && previous[2] === REC_START) {
        // The second revision of the previous item.
        const row = [...previous];
        row[0] = sk;
        row[2] = REVISED;
        row[3] = null;
        row[4] = rng.words(5, 15);
        row[5] = cents(price);
        row[6] = cents(wholesale);
        row[21] = syllables(sk);
        rows.push(row);
        continue;
      }
      id++;
      const c = rng.int(0, CATEGORIES.length - 1);
      const [category, classes] = CATEGORIES[c]!;
      const k = rng.int(0, classes.length - 1);
      const cls = classes[k]!;
      const named = NAMED_BRANDS[`${category}/${cls}`];
      const brand =
        named !== undefined && rng.chance(0.7)
          ? rng.pick(named)
          : `${BRAND_STEMS[c % BRAND_STEMS.length]}${BRAND_STEMS[(c + k + 1) % BRAND_STEMS.length]} #${rng.int(1, 3)}`;
      const brandNumber = Number(brand.slice(brand.indexOf('#') + 1));
      const manufact = rng.chance(0.5) ? rng.pick(NAMED_MANUFACTS) : rng.int(1, 1000);
      rows.push([
        sk,
        businessKey(id),
        REC_START,
        sk < this.items && rng.chance(0.3) ? REC_END : null,
        rng.words(5, 15),
        cents(price),
        cents(wholesale),
        (c + 1) * 1_000_000 + (k + 1) * 1000 + brandNumber,
        brand,
        k + 1,
        cls,
        c + 1,
        category,
        manufact,
        syllables(manufact),
        rng.pick(SIZES),
        rng.words(1, 2).slice(0, 20),
        rng.pick(COLORS),
        rng.pick(UNITS),
        'Unknown',
        rng.int(1, 40),
        syllables(sk),
      ]);
    }
    for (let j = 0; j < 16; j++) {
      const row = rows[9 + 7 * j];
      if (row === undefined) break;
      const [category, color, units, size] = Q41_STYLES[j % Q41_STYLES.length]!;
      const c = CATEGORIES.findIndex(([name]) => name === category);
      const manufact = 738 + ((j * 5) % 41);
      row[11] = c + 1;
      row[12] = category;
      row[10] = CATEGORIES[c]![1][(row[9] as number) - 1]!;
      row[13] = manufact;
      row[14] = syllables(manufact);
      row[15] = size;
      row[17] = color;
      row[18] = units;
    }
    return rows;
  }

  private store(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.stores);
    const counties = ['Walker County', 'Franklin Parish', 'Bronx County', 'Orange County'];
    return Array.from({ length: STORES }, (_, i) => {
      const sk = i + 1;
      const p = this.placeIn(rng, sk <= 8 ? 'Williamson County' : counties[sk - 9]!);
      this.storesByCounty.set(p.county, [...(this.storesByCounty.get(p.county) ?? []), sk]);
      return [
        sk,
        businessKey(sk),
        REC_START,
        null,
        null,
        SYLLABLES[sk % 10] as string,
        rng.int(200, 300),
        rng.int(5_000_000, 10_000_000),
        rng.pick(['8AM-4PM', '8AM-8PM', '8AM-12AM']),
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        ((sk * 3) % 10) + 1,
        'Unknown',
        rng.words(3, 8),
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        1,
        'Unknown',
        1,
        'Unknown',
        ...this.address(rng, p, sk % 2 === 0 ? 'Fairview' : 'Midway'),
        cents(rng.int(0, 11)),
      ];
    });
  }

  private callCenter(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.centers);
    const counties = ['Williamson County', 'Williamson County', 'Bronx County', 'Lane County'];
    return CALL_CENTERS.map((name, i) => {
      const p = this.placeIn(rng, counties[i % counties.length]!);
      return [
        i + 1,
        businessKey(i + 1),
        REC_START,
        null,
        null,
        julian(FIRST_DATE + rng.int(0, 300)),
        name,
        rng.pick(['small', 'medium', 'large']),
        rng.int(100, 7000),
        rng.int(10_000, 1_000_000),
        rng.pick(['8AM-4PM', '8AM-12AM', '8AM-8AM']),
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        rng.int(1, 6),
        rng.words(2, 5),
        rng.words(3, 8),
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        rng.int(1, 6),
        syllables(rng.int(1, 6)),
        rng.int(1, 6),
        syllables(rng.int(1, 6)),
        ...this.address(rng, p),
        cents(rng.int(0, 12)),
      ];
    });
  }

  private catalogPage(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.pages);
    return Array.from({ length: CATALOG_PAGES }, (_, i) => {
      const start = randomDay(rng, FIRST_DATE, LAST_SALE);
      return [
        i + 1,
        businessKey(i + 1),
        julian(start),
        julian(start + rng.int(30, 180)),
        'DEPARTMENT',
        Math.floor(i / 10) + 1,
        (i % 10) + 1,
        rng.words(4, 10),
        rng.pick(['bi-annual', 'quarterly', 'monthly']),
      ];
    });
  }

  private webSite(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.sites);
    const companies = ['pri', 'ought', 'pri', 'able', 'ese', 'anti'];
    return Array.from({ length: WEB_SITES }, (_, i) => {
      const p = this.place(rng);
      return [
        i + 1,
        businessKey(i + 1),
        REC_START,
        null,
        `site_${i}`,
        julian(FIRST_DATE + rng.int(0, 300)),
        null,
        'Unknown',
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        rng.int(1, 6),
        rng.words(2, 5),
        rng.words(3, 8),
        `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        i + 1,
        companies[i]!,
        ...this.address(rng, p),
        cents(rng.int(0, 12)),
      ];
    });
  }

  private webPage(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.webPages);
    return Array.from({ length: WEB_PAGES }, (_, i) => {
      const autogen = rng.chance(0.3);
      return [
        i + 1,
        businessKey(i + 1),
        REC_START,
        null,
        julian(FIRST_DATE + rng.int(0, 300)),
        julian(randomDay(rng)),
        autogen ? 'Y' : 'N',
        autogen ? rng.int(1, this.customers) : null,
        'http://www.foo.com',
        rng.pick(['welcome', 'protected', 'dynamic', 'feedback', 'general', 'order', 'ad']),
        rng.chance(0.4) ? rng.int(5000, 5200) : rng.int(1000, 8000),
        rng.int(2, 25),
        rng.int(1, 7),
        rng.int(0, 4),
      ];
    });
  }

  private warehouse(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.warehouses);
    return Array.from({ length: WAREHOUSES }, (_, i) => {
      const p = this.place(rng);
      return [
        i + 1,
        businessKey(i + 1),
        rng.words(2, 4).slice(0, 20),
        rng.int(50_000, 1_000_000),
        ...this.address(rng, p),
      ];
    });
  }

  private shipMode(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.shipModes);
    return CARRIERS.map((carrier, i) => [
      i + 1,
      businessKey(i + 1),
      SHIP_TYPES[i % SHIP_TYPES.length] as string,
      SHIP_CODES[i % SHIP_CODES.length] as string,
      carrier,
      rng.words(1, 2).slice(0, 20),
    ]);
  }

  private reason(): TpcdsRow[] {
    return REASONS.map((reason, i) => [i + 1, businessKey(i + 1), reason]);
  }

  private promotion(): TpcdsRow[] {
    const rng = new Rng(this.seed, STREAM.promotions);
    const yn = (p: number) => (rng.chance(p) ? 'Y' : 'N');
    return Array.from({ length: PROMOTIONS }, (_, i) => {
      const start = randomDay(rng);
      return [
        i + 1,
        businessKey(i + 1),
        julian(start),
        julian(start + rng.int(30, 60)),
        rng.int(1, this.items),
        '1000.00',
        1,
        syllables(i + 1),
        yn(0.5),
        yn(0.3),
        yn(0.5),
        yn(0.3),
        yn(0.5),
        yn(0.5),
        yn(0.3),
        yn(0.5),
        rng.words(3, 8),
        'Unknown',
        'N',
      ];
    });
  }
}
