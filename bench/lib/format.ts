// Number formatting shared by the Markdown writer and the chart.
import type { Target } from './types.js';

/** Three or so significant digits, thousands separated: 0.123, 1.23, 12.3, 1,234. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs >= 1) return x.toLocaleString('en-US');
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function formatValue(x: number, unit: string): string {
  return `${formatNumber(x)} ${unit}`;
}

export function formatRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}

export function formatTarget(t: Target, unit: string): string {
  const op = t.op === '<=' ? '≤' : '≥';
  return t.on === 'ratio'
    ? `ratio ${op} ${t.threshold}×`
    : `${op} ${formatNumber(t.threshold)} ${unit}`;
}
