// The kafka-read suite's records: JSON documents of an exact size, as an event stream carries.

const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(64);

/** A JSON object of exactly `bytes` bytes (at least ~80) for record `id`. */
export function jsonRecord(id: number, bytes: number): string {
  const head = `{"id":${id},"user":"user-${id % 10_000}","kind":"click","amount":${(id % 1000) / 10},"pad":"`;
  const room = Math.max(0, bytes - head.length - 2);
  let pad = PAD;
  while (pad.length < room) pad += PAD;
  return `${head}${pad.slice(0, room)}"}`;
}
