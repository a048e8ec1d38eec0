// The last hour of queries, per minute: bars for how many ended (throughput), a line for their mean latency.
const SVG = 'http://www.w3.org/2000/svg';
const W = 760;
const H = 200;
const PAD = { left: 48, right: 56, top: 12, bottom: 28 };

function el(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws rows of [minute 'YYYY-MM-DD HH:MM', queries, mean ms] into {@code box}. */
export function drawChart(box, rows) {
  const svg = el('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img' });
  if (rows.length === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no queries in the last hour'));
    box.replaceChildren(svg);
    return;
  }
  const points = rows.map((r) => ({ minute: r[0], count: Number(r[1]), ms: Number(r[2]) }));
  const last = new Date(`${points[points.length - 1].minute.replace(' ', 'T')}:00Z`).getTime();
  const slot = (p) => 59 - Math.round((last - new Date(`${p.minute.replace(' ', 'T')}:00Z`).getTime()) / 60000);
  const maxCount = Math.max(...points.map((p) => p.count), 1);
  const maxMs = Math.max(...points.map((p) => p.ms), 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (s) => PAD.left + (s / 60) * plotW;
  const step = plotW / 60;
  for (const p of points) {
    const h = (p.count / maxCount) * plotH;
    svg.append(el('rect', { class: 'throughput', x: x(slot(p)) + 1, y: PAD.top + plotH - h, width: step - 2, height: h },
    ));
  }
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(slot(p)) + step / 2},${PAD.top + plotH - (p.ms / maxMs) * plotH}`);
  svg.append(el('path', { class: 'latency', d: line.join(' ') }));
  svg.append(el('line', { x1: PAD.left, y1: PAD.top + plotH, x2: W - PAD.right, y2: PAD.top + plotH, stroke: '#9aa6b5' }));
  svg.append(el('text', { x: 4, y: PAD.top + 10 }, `${maxCount}/min`));
  svg.append(el('text', { x: W - PAD.right + 4, y: PAD.top + 10 }, `${Math.round(maxMs)} ms`));
  svg.append(el('text', { x: PAD.left, y: H - 8 }, '-60 min'));
  svg.append(el('text', { x: W - PAD.right, y: H - 8, 'text-anchor': 'end' }, points[points.length - 1].minute));
  svg.append(el('text', { x: W / 2, y: H - 8, 'text-anchor': 'middle' }, 'bars: queries per minute · line: mean latency'));
  box.replaceChildren(svg);
}
