// The results chart: one panel per benchmark and kind of target, a horizontal bar per measured
// figure (green: target met, red: missed, grey: an anchor shown for scale) and a dashed line at
// the target. Drawn as SVG by hand, then converted to PNG with rsvg-convert (Debian package
// librsvg2-bin) or inkscape when one is installed; otherwise only the SVG is written.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatNumber, formatRatio, formatTarget } from './format.js';
import { passes, ratioOf, type BenchmarkResult, type Measurement, type Target } from './types.js';

interface Bar {
  label: string;
  value: number;
  text: string;
  color: string;
  target: Target | undefined;
}

interface Panel {
  title: string;
  subtitle: string;
  bars: Bar[];
  /** Where the anchor sits on a ratio axis (1.0), drawn as a thin grey line. */
  reference: number | undefined;
  unit: string;
}

const GREEN = '#2e7d32';
const RED = '#c62828';
const GREY = '#9e9e9e';
const BLUE = '#1565c0';
const TARGET = '#e65100';

const WIDTH = 960;
const LABEL_W = 380;
const PLOT_W = 450;
const ROW_H = 26;
const BAR_H = 16;
const PANEL_TITLE_H = 46;
const AXIS_H = 26;
const PANEL_GAP = 18;
const HEADER_H = 56;

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function color(m: Measurement): string {
  const ok = passes(m);
  return ok === undefined ? BLUE : ok ? GREEN : RED;
}

/** Groups the measurements that have targets into panels. */
export function panelsOf(benchmarks: readonly BenchmarkResult[]): Panel[] {
  const panels: Panel[] = [];
  for (const b of benchmarks) {
    const byKind = new Map<string, Panel>();
    for (const m of b.measurements) {
      if (m.target === undefined || m.missing !== undefined) continue;
      const kind = m.target.on === 'ratio' ? 'ratio' : m.unit;
      let panel = byKind.get(kind);
      if (panel === undefined) {
        const anchor = m.anchors?.[0]?.label ?? 'anchor';
        const subtitle =
          m.target.on === 'ratio'
            ? `ratio = measured / ${anchor} (grey line: 1× = anchor)`
            : m.unit;
        panel = {
          title: b.title,
          subtitle,
          bars: [],
          reference: m.target.on === 'ratio' ? 1 : undefined,
          unit: m.unit,
        };
        byKind.set(kind, panel);
        panels.push(panel);
      }
      if (m.target.on === 'ratio') {
        const r = ratioOf(m);
        if (r === undefined) continue;
        panel.bars.push({
          label: m.short ?? m.name,
          value: r,
          text: formatRatio(r),
          color: color(m),
          target: m.target,
        });
      } else {
        panel.bars.push({
          label: m.short ?? m.name,
          value: m.value,
          text: `${formatNumber(m.value)} ${m.unit}`,
          color: color(m),
          target: m.target,
        });
        for (const a of m.anchors ?? []) {
          panel.bars.push({
            label: `anchor: ${a.short ?? a.label}`,
            value: a.value,
            text: `${formatNumber(a.value)} ${m.unit}`,
            color: GREY,
            target: undefined,
          });
        }
      }
    }
  }
  for (const p of panels) {
    if (p.bars.some((b) => b.color === GREY))
      p.subtitle += '; grey bars: anchors measured in the same run';
  }
  return panels.filter((p) => p.bars.length > 0);
}

/** A round axis maximum and tick step covering x. */
function axis(max: number): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * pow).find((s) => s >= raw) ?? 10 * pow;
  return { max: Math.ceil(max / step) * step, step };
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

export function chartSvg(
  title: string,
  subtitle: string,
  benchmarks: readonly BenchmarkResult[],
): string {
  const panels = panelsOf(benchmarks);
  const out: string[] = [];
  let y = HEADER_H;
  for (const p of panels) {
    const maxTarget = Math.max(0, ...p.bars.map((b) => b.target?.threshold ?? 0));
    let maxValue = Math.max(...p.bars.map((b) => b.value), maxTarget, p.reference ?? 0);
    // A bar far beyond the target would squash the others against the axis: cut the axis at
    // 5× the target, clip such bars (marked ▶; their label keeps the real value).
    if (maxTarget > 0 && maxValue > 8 * maxTarget) maxValue = 5 * maxTarget;
    const { max, step } = axis(maxValue * 1.08);
    const x0 = LABEL_W;
    const sx = (v: number) => x0 + (Math.min(v, max) / max) * PLOT_W;
    const plotTop = y + PANEL_TITLE_H;
    const plotH = p.bars.length * ROW_H;
    out.push(
      `<text x="12" y="${y + 18}" font-size="15" font-weight="bold">${escapeXml(truncate(p.title, 100))}</text>`,
      `<text x="12" y="${y + 36}" font-size="12" fill="#555">${escapeXml(truncate(p.subtitle, 110))}</text>`,
    );
    // grid and ticks
    for (let v = 0; v <= max + step / 1000; v += step) {
      const x = sx(v);
      out.push(
        `<line x1="${x}" y1="${plotTop}" x2="${x}" y2="${plotTop + plotH}" stroke="#e0e0e0"/>`,
      );
      out.push(
        `<text x="${x}" y="${plotTop + plotH + 16}" font-size="11" text-anchor="middle" fill="#555">${escapeXml(Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 }))}</text>`,
      );
    }
    if (p.reference !== undefined) {
      const x = sx(p.reference);
      out.push(
        `<line x1="${x}" y1="${plotTop - 4}" x2="${x}" y2="${plotTop + plotH}" stroke="#616161" stroke-width="1.5"/>`,
      );
    }
    // Value labels go last, over the target lines, with a white halo to stay readable.
    const labels: string[] = [];
    p.bars.forEach((b, i) => {
      const rowY = plotTop + i * ROW_H;
      const barY = rowY + (ROW_H - BAR_H) / 2;
      out.push(
        `<text x="${x0 - 8}" y="${barY + BAR_H - 3}" font-size="13" text-anchor="end">${escapeXml(truncate(b.label, 50))}</text>`,
      );
      const w = Math.max(1, sx(b.value) - x0);
      out.push(`<rect x="${x0}" y="${barY}" width="${w}" height="${BAR_H}" fill="${b.color}"/>`);
      const over = b.value > max ? ' ▶' : '';
      labels.push(
        `<text x="${x0 + w + 5}" y="${barY + BAR_H - 3}" font-size="12" fill="#212121" stroke="white" stroke-width="3" paint-order="stroke">${escapeXml(b.text + over)}</text>`,
      );
      if (b.target) {
        const x = sx(b.target.threshold);
        out.push(
          `<line x1="${x}" y1="${rowY + 1}" x2="${x}" y2="${rowY + ROW_H - 1}" stroke="${TARGET}" stroke-width="2.5" stroke-dasharray="5,3"/>`,
        );
      }
    });
    out.push(...labels);
    const firstTarget = p.bars.find((b) => b.target)?.target;
    if (firstTarget) {
      out.push(
        `<text x="${WIDTH - 12}" y="${y + 36}" font-size="12" text-anchor="end" fill="${TARGET}">- - - target ${escapeXml(formatTarget(firstTarget, p.unit).replace(/^ratio /, ''))}</text>`,
      );
    }
    y = plotTop + plotH + AXIS_H + PANEL_GAP;
  }
  if (panels.length === 0) {
    out.push(`<text x="12" y="${y + 20}" font-size="13">no measurement has a target</text>`);
    y += 40;
  }
  const legend = [
    [GREEN, 'target met'],
    [RED, 'target missed'],
    [GREY, 'anchor (same run)'],
  ]
    .map(
      ([c, t], i) =>
        `<rect x="${12 + i * 170}" y="${y}" width="12" height="12" fill="${c}"/><text x="${30 + i * 170}" y="${y + 11}" font-size="12">${t}</text>`,
    )
    .join('');
  const height = y + 28;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="24" font-size="18" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="12" y="44" font-size="12" fill="#555">${escapeXml(subtitle)}</text>`,
    ...out,
    legend,
    `</svg>`,
  ].join('\n');
}

/** Which SVG → PNG converter is installed, if any. */
function converter(): { cmd: string; args: (svg: string, png: string) => string[] } | undefined {
  const has = (cmd: string) => {
    try {
      execFileSync(cmd, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has('rsvg-convert')) {
    return { cmd: 'rsvg-convert', args: (svg, png) => ['--format', 'png', '--output', png, svg] };
  }
  if (has('inkscape')) {
    return {
      cmd: 'inkscape',
      args: (svg, png) => [svg, '--export-type=png', `--export-filename=${png}`],
    };
  }
  return undefined;
}

/**
 * Writes the chart as `<base>.svg` and converts it to `<base>.png`. Returns the PNG's path, or
 * the SVG's (with a warning on stderr) when no converter is installed.
 */
export function writeChart(base: string, svg: string): { path: string; png: boolean } {
  mkdirSync(dirname(base), { recursive: true });
  const svgPath = `${base}.svg`;
  const pngPath = `${base}.png`;
  writeFileSync(svgPath, svg);
  const conv = converter();
  if (conv === undefined) {
    process.stderr.write(
      `warning: no SVG→PNG converter found (install rsvg-convert: apt-get install -y librsvg2-bin); wrote only ${svgPath}\n`,
    );
    return { path: svgPath, png: false };
  }
  try {
    execFileSync(conv.cmd, conv.args(svgPath, pngPath), { stdio: ['ignore', 'ignore', 'pipe'] });
    return { path: pngPath, png: true };
  } catch (e) {
    process.stderr.write(`warning: ${conv.cmd} failed (${String(e)}); wrote only ${svgPath}\n`);
    return { path: svgPath, png: false };
  }
}
