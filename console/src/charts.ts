import { s } from './dom';

/**
 * Small SVG charts drawn by hand: a team lead reads trends at a glance, with no chart library.
 * Each chart is a fixed-size drawing that scales to its container's width.
 */
export interface Series {
  name: string;
  /** A CSS class that sets the fill or stroke (see styles.css: .c-cases, .c-answered, ...). */
  className: string;
  values: Array<number | null>;
}

const W = 640;
const H = 200;
const PAD = { top: 14, right: 12, bottom: 28, left: 44 };

/** The top of the axis: four equal steps of 1, 2 or 5 × 10ⁿ (whole numbers for counts), so every tick is round. */
function niceMax(value: number, whole = true): number {
  const raw = Math.max(value, whole ? 4 : Number.EPSILON) / 4;
  const exponent = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / exponent;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * exponent;
  return Math.max(whole ? 1 : 0, step) * 4;
}

function frame(labels: string[], max: number, format: (v: number) => string, title: string): SVGElement {
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'aria-label': title,
  });
  const plotH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    svg.append(
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: i === 0 ? 'axis' : 'grid' }),
      s('text', { x: PAD.left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, format((max * i) / 4)),
    );
  }
  const step = Math.max(1, Math.ceil(labels.length / 10));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  labels.forEach((label, i) => {
    if (i % step !== 0 && i !== labels.length - 1) return;
    svg.append(
      s('text', { x: PAD.left + slot * (i + 0.5), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, label),
    );
  });
  return svg;
}

/** Bars per label; several series side by side, or stacked. */
export function barChart(options: {
  title: string;
  labels: string[];
  series: Series[];
  stacked?: boolean;
  format?: (v: number) => string;
}): SVGElement {
  const format = options.format ?? ((v: number) => String(Math.round(v)));
  const totals = options.labels.map((_, i) =>
    options.stacked
      ? options.series.reduce((sum, se) => sum + (se.values[i] ?? 0), 0)
      : Math.max(0, ...options.series.map((se) => se.values[i] ?? 0)),
  );
  const max = niceMax(Math.max(0, ...totals));
  const svg = frame(options.labels, max, format, options.title);
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, options.labels.length);
  const groupW = Math.min(44, slot * 0.72);
  options.labels.forEach((label, i) => {
    let base = 0;
    options.series.forEach((se, k) => {
      const value = se.values[i] ?? 0;
      const barH = (plotH * value) / max;
      const width = options.stacked ? groupW : groupW / options.series.length;
      const x = PAD.left + slot * i + (slot - groupW) / 2 + (options.stacked ? 0 : width * k);
      const y = PAD.top + plotH - barH - (options.stacked ? (plotH * base) / max : 0);
      if (options.stacked) base += value;
      if (value > 0) {
        svg.append(
          s(
            'rect',
            { x, y, width: Math.max(1, width - 1), height: barH, class: `bar ${se.className}`, rx: 1.5 },
            s('title', null, `${label} · ${se.name}: ${format(value)}`),
          ),
        );
      }
    });
  });
  return svg;
}

/** Lines per label; missing values (null) break the line. */
export function lineChart(options: {
  title: string;
  labels: string[];
  series: Series[];
  format?: (v: number) => string;
  max?: number;
  /** Whole-number ticks (counts); false for durations and shares. */
  whole?: boolean;
}): SVGElement {
  const format = options.format ?? ((v: number) => String(Math.round(v)));
  const all = options.series.flatMap((se) => se.values.filter((v): v is number => v !== null));
  const max = options.max ?? niceMax(Math.max(0, ...all), options.whole ?? true);
  const svg = frame(options.labels, max, format, options.title);
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, options.labels.length);
  for (const se of options.series) {
    let d = '';
    se.values.forEach((value, i) => {
      if (value === null) {
        d += ' ';
        return;
      }
      const x = PAD.left + slot * (i + 0.5);
      const y = PAD.top + plotH - (plotH * Math.min(value, max)) / max;
      d += `${d.endsWith(' ') || d === '' ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
      svg.append(
        s(
          'circle',
          { cx: x, cy: y, r: 3, class: `dot ${se.className}` },
          s('title', null, `${options.labels[i]} · ${se.name}: ${format(value)}`),
        ),
      );
    });
    svg.prepend(s('path', { d: d.trim().replace(/ +/g, ' '), class: `line ${se.className}` }));
  }
  return svg;
}

export function legend(series: Array<Pick<Series, 'name' | 'className'>>): HTMLElement {
  const box = document.createElement('div');
  box.className = 'legend';
  for (const se of series) {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.className = `swatch ${se.className}`;
    item.append(swatch, se.name);
    box.append(item);
  }
  return box;
}
