// The documents of the super suite: order events of about 1 KB each, shaped like the streaming
// ingestion seed's order payload (an event type, ids, a customer, a store, line items, totals,
// a status), with nested objects, arrays of objects, strings, integers, decimals, booleans and
// nulls. Deterministic: document i depends only on (seed, i), so every run and both systems see
// the same text. Written as CSV with one quoted column `doc`, the way COPY reads it.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../../../test/support/random.js';

const STATUSES = ['Initiated', 'Paid', 'Packed', 'Shipped', 'Delivered', 'Cancelled', 'Returned'];
const FIRST = [
  'David',
  'Maria',
  'Wei',
  'Aisha',
  'Jonas',
  'Priya',
  'Lucas',
  'Emma',
  'Kenji',
  'Sofia',
];
const LAST = [
  'Smith',
  'Garcia',
  'Chen',
  'Okafor',
  'Berg',
  'Patel',
  'Silva',
  'Novak',
  'Sato',
  'Rossi',
];
const CITIES = ['Seattle', 'Austin', 'Denver', 'Boston', 'Chicago', 'Portland', 'Atlanta', 'Miami'];
const CHANNELS = ['web', 'mobile', 'store', 'partner'];
const CURRENCIES = ['USD', 'EUR', 'GBP'];
const WORDS = ['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey', 'Bracket', 'Flange', 'Valve'];

/** Document i of the set seeded by `seed`, as compact JSON text (about 1 KB; 0.8–1.3 KB). */
export function orderDocument(seed: number, i: number): string {
  const r = seededRandom(seed ^ Math.imul(i + 1, 0x9e3779b1));
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const money = (max: number) => (Math.round(r() * max * 100) / 100).toFixed(2);
  const nItems = 2 + int(3);
  const items = [];
  let total = 0;
  for (let k = 0; k < nItems; k++) {
    const qty = 1 + int(5);
    const price = money(200);
    total += qty * Number(price);
    items.push(
      `{"sku":"P${String(int(100000)).padStart(6, '0')}","name":"${pick(WORDS)}-${pick(WORDS)}-${int(1000)}",` +
        `"qty":${qty},"price":${price},"discount":${r() < 0.3 ? money(20) : 'null'},` +
        `"gift":${r() < 0.1},"tags":["${pick(WORDS).toLowerCase()}","${pick(CHANNELS)}"]}`,
    );
  }
  const first = pick(FIRST);
  const last = pick(LAST);
  const day = 1 + int(28);
  const vip = r() < 0.2;
  // `a.b.c` is present in most documents, missing (the whole `a`) or null in the others.
  const abc = r() < 0.8 ? `{"b":{"c":${int(1000)}}}` : r() < 0.5 ? '{"b":{"c":null}}' : null;
  return (
    `{"event_type":"Orders","event_id":"${i.toString(16).padStart(12, '0')}","order_id":${i},` +
    `"order_date":"2024-${String(1 + int(12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(int(24)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}:00Z",` +
    `"status":"${pick(STATUSES)}","channel":"${pick(CHANNELS)}",` +
    `"customer":{"id":${1 + int(5_000_000)},"name":"${first} ${last}","email":"${first.toLowerCase()}.${last.toLowerCase()}${int(100)}@example.com",` +
    `"vip":${vip},"loyalty_points":${vip ? int(100000) : 'null'},` +
    `"address":{"street":"${1 + int(9999)} ${pick(WORDS)} Street","city":"${pick(CITIES)}","zip":"${String(int(100000)).padStart(5, '0')}","country":"US"}},` +
    `"store":{"id":"Store-${int(500)}","region":"${pick(['north', 'south', 'east', 'west'])}"},` +
    `"items":[${items.join(',')}],` +
    `"total":${total.toFixed(2)},"currency":"${pick(CURRENCIES)}","tax_rate":${(r() * 0.1).toFixed(4)},` +
    `"shipping":{"method":"${pick(['ground', 'air', 'pickup'])}","cost":${money(30)},"expedited":${r() < 0.25}},` +
    `"coupon":${r() < 0.15 ? `"SAVE${int(50)}"` : 'null'},` +
    `"a":${abc ?? 'null'},` +
    `"meta":{"source":"msk","topic":"orders","partition":${int(8)},"offset":${i},"schema_version":3,"replayed":${r() < 0.01}},` +
    `"note":${r() < 0.3 ? `"Leave at the ${pick(['door', 'desk', 'gate'])}, ring ${1 + int(3)} times"` : 'null'}}`
  );
}

/** A CSV field: quoted, inner quotes doubled. */
function csvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Writes documents 0..n-1 to `file` as CSV (one column, no header); returns the bytes of JSON. */
export async function writeDocumentsCsv(file: string, seed: number, n: number): Promise<number> {
  const out = createWriteStream(file);
  let jsonBytes = 0;
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const doc = orderDocument(seed, i);
    jsonBytes += Buffer.byteLength(doc);
    chunk.push(csvField(doc));
    if (chunk.length === 1000 || i === n - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return jsonBytes;
}
