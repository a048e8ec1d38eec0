// EXPLAIN and EXPLAIN ANALYZE drawn whole: each "key: value" line of the plan as a labelled block, SQL wrapped, never cut.

/** Whether a statement asks for a plan. */
export function isExplain(sql) {
  return /^\s*EXPLAIN\b/i.test(sql);
}

/** Splits the plan's text into labelled parts: "worker:  SELECT …" lines, continuation lines joined to their part. */
export function planParts(text) {
  const parts = [];
  for (const line of text.split('\n')) {
    const match = line.match(/^([A-Za-z][A-Za-z0-9 _-]{0,30}):\s*(.*)$/);
    if (match) {
      parts.push({ key: match[1], value: match[2] });
    } else if (parts.length > 0) {
      parts[parts.length - 1].value += `\n${line}`;
    } else if (line.trim()) {
      parts.push({ key: '', value: line });
    }
  }
  // consecutive parts of one key (EXPLAIN ANALYZE's task: lines) are one block
  const merged = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (last && last.key === p.key && p.key) {
      last.value += `\n${p.value}`;
    } else {
      merged.push({ ...p });
    }
  }
  return merged.map((p) => ({ key: p.key === 'task' ? 'tasks' : p.key, value: p.value.replace(/\s+$/, '') }));
}

export function renderPlan(box, data) {
  const text = data.rows.map((row) => row.filter((v) => v !== null).join('\n')).join('\n');
  const list = document.createElement('dl');
  for (const part of planParts(text)) {
    const dt = document.createElement('dt');
    dt.textContent = part.key;
    const dd = document.createElement('dd');
    const pre = document.createElement('pre');
    pre.textContent = part.value;
    dd.append(pre);
    list.append(dt, dd);
  }
  const title = document.createElement('h2');
  title.textContent = 'Plan';
  box.replaceChildren(title, list);
}
