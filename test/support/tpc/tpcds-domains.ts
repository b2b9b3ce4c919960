// The value domains of the TPC-DS test generator (tpcds-data.ts) and its calendar. The lists hold
// the values the 99 queries filter on (their qualification substitution parameters), in the
// specification's spelling, plus a few they do not; they are far shorter than dsdgen's, so that
// small data still meets the queries' filters.

/** A list written as one string of comma-separated values. */
const list = (values: string): readonly string[] => values.split(',').map((v) => v.trim());

/** The specification's syllables for digits 0..9 (store names, manufacturers, products). */
export const SYLLABLES = list('bar, ought, able, pri, ese, anti, cally, ation, eing, n st');

/** A number spelled in syllables, as the specification names stores, manufacturers, products. */
export function syllables(n: number): string {
  return [...String(n)].map((d) => SYLLABLES[Number(d)]).join('');
}

export const DAY_NAMES = list('Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday');

/** Categories and their classes (i_category_id and i_class_id are positions from 1). */
export const CATEGORIES: readonly [string, readonly string[]][] = [
  ['Books', list('computers, fiction, reference, self-help')],
  ['Children', list('infants, newborn, school-uniforms, toddlers')],
  ['Electronics', list('personal, portable, stereo, televisions')],
  ['Home', list('bedding, decor, furniture, lighting')],
  ['Jewelry', list('birdal, bracelets, gold, rings')],
  ['Men', list('accessories, pants, shirts, sports-apparel')],
  ['Music', list('classical, country, pop, rock')],
  ['Shoes', list('athletic, kids, mens, womens')],
  ['Sports', list('camping, fitness, football, golf')],
  ['Women', list('dresses, fragrances, maternity, swimwear')],
];

/** Brand stems by category position; a class adds a second stem and the brand a number. */
export const BRAND_STEMS = list('amalg, edu pack, exporti, importo, scholar, univ, corp, maxi');

/** Brands the queries name (Q53, Q63), in the categories and classes they look for them in. */
export const NAMED_BRANDS: Readonly<Record<string, readonly string[]>> = {
  'Electronics/portable': list('scholaramalgamalg #7, scholaramalgamalg #14, scholaramalgamalg #9'),
  'Electronics/personal': list('scholaramalgamalg #14, exportiunivamalg #9'),
  'Books/self-help': list('exportiunivamalg #9, exportiunivamalg #4'),
  'Books/reference': list('scholaramalgamalg #9, scholaramalgamalg #7'),
  'Men/accessories': list('amalgimporto #1, amalgimporto #2'),
  'Men/pants': list('exportiimporto #1, exportiimporto #3'),
  'Music/classical': list('edu packscholar #1, edu packscholar #2'),
  'Women/fragrances': list('importoamalg #1, importoamalg #2'),
};

/** The manufacturers the queries name; half the items have one of them. */
export const NAMED_MANUFACTS = [
  128, 129, 270, 350, 423, 677, 694, 738, 742, 750, 761, 770, 777, 808, 821, 940, 977,
];

export const COLORS = list(
  `slate, blanched, burnished, purple, burlywood, indian, spring, floral, medium, pale, chiffon,
   powder, khaki, brown, honeydew, deep, light, cornflower, midnight, snow, cyan, papaya, orange,
   frosted, forest, ghost, orchid, lace, navy, rose`,
);
export const UNITS = list(
  `Ounce, Oz, Bunch, Ton, N/A, Dozen, Box, Pound, Pallet, Gross, Cup, Dram, Each, Tbl, Lb,
   Bundle, Carton, Case, Gram, Tsp`,
);
export const SIZES = list('small, medium, large, extra large, economy, petite, N/A');

/** Q41's item styles: [category, colour, units, size]. */
export const Q41_STYLES: readonly [string, string, string, string][] = [
  ['Women', 'powder', 'Ounce', 'medium'],
  ['Women', 'honeydew', 'Ton', 'small'],
  ['Men', 'floral', 'Dozen', 'petite'],
  ['Men', 'cornflower', 'Box', 'extra large'],
  ['Women', 'snow', 'Pallet', 'medium'],
  ['Women', 'papaya', 'Cup', 'N/A'],
  ['Men', 'frosted', 'Each', 'large'],
  ['Men', 'ghost', 'Lb', 'medium'],
];

/** The colours Q64 looks for. */
export const Q64_COLORS = list('purple, burlywood, indian, spring, floral, medium');

/** Words of descriptions and names. */
export const WORDS = list(
  `able, about, across, after, again, against, almost, alone, along, already, always, amounts,
   ancient, animals, anyway, areas, articles, available, basic, beautiful, because, becoming,
   better, black, blue, bright, british, broad, careful, central, certain, changes, children,
   clear, common, complete, concerned, current, daily, direct, early, easy, economic, english,
   equal, essential, european, excellent, existing, familiar, final, financial, foreign, former,
   free, full, general, golden, great, green, happy, heavy, hidden, high, human, important,
   individual, industrial, interesting, large, late, legal, little, local, long, lovely, main,
   major, modern, national, natural, necessary, new, normal, old, open, original, other,
   particular, political, poor, popular, possible, powerful, present, private, public, quiet,
   rare, real, recent, red, relevant, rich, right, royal, serious, short, similar, simple,
   single, small, social, soft, special, strong, successful, sudden, suitable, total,
   traditional, true, typical, useful, various, warm, white, whole, wide, wild, young`,
);

export const FIRST_NAMES = list(
  `James, Mary, John, Patricia, Robert, Jennifer, Michael, Linda, William, Elizabeth, David,
   Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Charles, Karen, Daniel, Nancy,
   Matthew, Lisa, Anthony, Betty, Mark, Margaret, Donald, Sandra, Steven, Ashley, Paul,
   Kimberly, Andrew, Emily, Joshua, Donna, Kenneth, Michelle`,
);
export const LAST_NAMES = list(
  `Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez,
   Hernandez, Lopez, Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Lee,
   Perez, Thompson, White, Harris, Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young,
   Allen, King, Wright, Scott, Torres, Nguyen, Hill, Flores`,
);
export const SALUTATIONS = list('Mr., Mrs., Ms., Dr., Sir, Miss');
export const BIRTH_COUNTRIES = list(
  `UNITED STATES, CHILE, TOGO, FRANCE, JAPAN, BRAZIL, INDIA, GERMANY, CANADA, MEXICO, KENYA,
   PERU, SPAIN, ITALY, NORWAY, EGYPT, CHINA, FIJI, GHANA, IRAN`,
);

export const GENDERS = list('M, F');
export const MARITAL_STATUSES = list('M, S, D, W, U');
export const EDUCATION_STATUSES = list(
  'Primary, Secondary, College, 2 yr Degree, 4 yr Degree, Advanced Degree, Unknown',
);
export const CREDIT_RATINGS = list('Good, High Risk, Low Risk, Unknown');
export const BUY_POTENTIALS = list('>10000, 5001-10000, 1001-5000, 501-1000, 0-500, Unknown');

export const STREET_NAMES = list(
  `Main, Oak, Park, Pine, Maple, Cedar, Elm, View, Washington, Lake, Hill, Sunset, Railroad,
   Church, Willow, Mill, River, Forest, Spring, Center, Second, Third, Fourth, Fifth, Jackson,
   Lincoln, Walnut, Ridge, Meadow`,
);
export const STREET_TYPES = list(
  `Street, Ave, Blvd, Road, Lane, Drive, Court, Way, Parkway, Circle, Pkwy, Ln, Dr., Cir., RD,
   ST, Wy, Ct., Boulevard, Avenue`,
);
export const LOCATION_TYPES = list('apartment, condo, single family');
export const CITIES = list(
  `Fairview, Midway, Edgewood, Oakland, Riverside, Five Points, Pleasant Hill, Centerville,
   Oak Grove, Greenwood, Mount Zion, Union, Salem, Bethel, Glendale, Springdale, Newport,
   Shiloh, Lakeside, Harmony`,
);

/** GMT offsets by state (as in the specification's data: all of a state in one zone). */
export const GMT: Readonly<Record<string, number>> = Object.fromEntries(
  list(
    `TN -5, LA -6, NY -5, CA -8, GA -5, IN -5, MT -7, KY -5, NM -7, IL -6, OH -5, TX -6, OR -8,
     VA -5, MS -6, CO -7, MN -6, NJ -5, WI -6, CT -5, IA -6, AR -6, ND -6, OK -6, WA -8, MI -5,
     SD -7`,
  ).map((e) => [e.slice(0, 2), Number(e.slice(3))]),
);

/**
 * Counties: [county, state, weight, zips]. Addresses pick a county by weight and one of its zips;
 * stores, warehouses and call centers are in some of them. The zips of Q8, Q15 and Q45 are here.
 */
export const COUNTIES: readonly [string, string, number, readonly string[]][] = [
  ['Williamson County', 'TN', 10, ['37064', '37067']],
  ['Franklin Parish', 'LA', 3, ['71295', '71249']],
  ['Bronx County', 'NY', 3, ['10451', '10467']],
  ['Orange County', 'CA', 3, ['85669', '92618']],
  ['Walker County', 'GA', 5, ['30728', '86197']],
  ['Barrow County', 'GA', 3, ['30680', '88274']],
  ['Rush County', 'IN', 2, ['46173', '83405']],
  ['La Porte County', 'IN', 2, ['46350', '86475']],
  ['Toole County', 'MT', 2, ['59474', '85392']],
  ['Jefferson County', 'KY', 3, ['40202', '85460']],
  ['Daviess County', 'KY', 2, ['42301', '80348']],
  ['Dona Ana County', 'NM', 2, ['88001', '81792']],
  ['Lea County', 'NM', 2, ['88240', '88260']],
  ['Marion County', 'IL', 3, ['62801', '62881']],
  ['Cook County', 'IL', 3, ['60601', '60614']],
  ['Richland County', 'OH', 2, ['44902', '44903']],
  ['Harris County', 'TX', 3, ['77002', '77019']],
  ['Hidalgo County', 'TX', 2, ['78501', '78539']],
  ['Lane County', 'OR', 2, ['97401', '97402']],
  ['Fairfax County', 'VA', 2, ['22030', '22031']],
  ['Pike County', 'MS', 2, ['39648', '39652']],
  ['Adams County', 'CO', 2, ['80601', '80602']],
  ['Clay County', 'MN', 2, ['56560', '56561']],
  ['Mercer County', 'NJ', 2, ['08608', '08610']],
  ['Wood County', 'WI', 2, ['54494', '54495']],
  ['Fairfield County', 'CT', 2, ['06604', '06605']],
  ['Polk County', 'IA', 2, ['50309', '50310']],
  ['Lonoke County', 'AR', 2, ['72086', '72023']],
  ['Cass County', 'ND', 1, ['58102', '58103']],
  ['Kiowa County', 'OK', 1, ['73651', '73655']],
  ['Kittitas County', 'WA', 2, ['98926', '98934']],
  ['Luce County', 'MI', 1, ['49868', '49866']],
  ['Ziebach County', 'SD', 1, ['57623', '57625']],
];

/** Return reasons: the specification's first ones, then 'reason 23' .. 'reason 35'. */
export const REASONS = [
  ...list(
    `Package was damaged, Stopped working, Did not get it on time,
     Not the product that was ordered, Parts missing, Does not work with a product that I have,
     Gift exchange, Did not like the color, Did not like the model, Did not like the make,
     Did not like the warranty, No service location in my area, Found a better price in a store,
     Found a better extended warranty in a store, Not working any more, Did not fit, Wrong size,
     Lost my job, unauthorized purchase, duplicate purchase, its is a boy, it is a girl`,
  ),
  ...Array.from({ length: 13 }, (_, i) => `reason ${i + 23}`),
];

export const SHIP_TYPES = list('REGULAR, EXPRESS, NEXT DAY, OVERNIGHT, TWO DAY, LIBRARY');
export const SHIP_CODES = list('AIR, SURFACE, SEA, BIKE, HAND CARRY, MESSENGER, TRAIN');
export const CARRIERS = list(
  `DHL, BARIAN, UPS, FEDEX, AIRBORNE, USPS, ZHOU, ZOUROS, MSC, LATVIAN, ALLIANCE, ORIENTAL,
   BOXBUNDLES, GREAT EASTERN, DIAMOND, RUPEKSA, GERMA, HARMSTORF, PRIVATECARRIER, GENERAL`,
);
export const CALL_CENTERS = list(
  'NY Metro, Mid Atlantic, North Midwest, Pacific Northwest, California, Hawaii/Alaska',
);

// ---------------------------------------------------------------------------------------------
// Calendar: days as numbers (days since 1970-01-01, UTC).

export const DAY_MS = 86_400_000;
/** Julian day number of 1970-01-01. */
const JULIAN_EPOCH = 2_440_588;
export const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
export const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** A day's Julian day number: the key of its DATE_DIM row. */
export const julian = (day: number): number => day + JULIAN_EPOCH;

/** DATE_DIM covers these years; sales fall between FIRST_SALE and LAST_SALE. */
export const FIRST_DATE = dayOf('1998-01-01');
export const LAST_DATE = dayOf('2003-12-31');
export const FIRST_SALE = dayOf('1998-01-02');
export const LAST_SALE = dayOf('2002-12-31');
/** Inventory is counted weekly over these years. */
export const FIRST_INVENTORY = dayOf('1999-01-07');
export const LAST_INVENTORY = dayOf('2001-12-31');
/** Items' revisions and stores' records start (and the first revision ends) on these days. */
export const REC_START = '1997-10-27';
export const REVISED = '2000-10-27';
export const REC_END = '2000-10-26';

/** A 16-character business key, as the specification's: AAAAAAAA then the number in A..P. */
export function businessKey(n: number): string {
  let key = '';
  for (let i = 0; i < 8; i++) {
    key += String.fromCharCode(65 + (n & 15));
    n >>>= 4;
  }
  return `AAAAAAAA${key}`;
}

/** Cents as a decimal string with two digits after the point. */
export function cents(c: number): string {
  const sign = c < 0 ? '-' : '';
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
