// The coordinator's web page: log in, run SQL, see plans and the cluster. Talks only to /api/ of its own origin.
import { renderPlan, isExplain } from './plan.js';
import { renderTable, renderRows } from './table.js';
import { drawChart } from './chart.js';

const PAGE = 100;
const $ = (id) => document.getElementById(id);
const state = { query: null, offset: 0, me: null, history: [], errorMark: null, poll: null };

/** One call of the page's API; the custom header is what a page of another origin cannot send. */
async function api(method, path, body) {
  const headers = { 'X-Mallard-Web': '1' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data;
  try {
    data = await response.json();
  } catch (e) {
    data = { error: { code: 'INTERNAL_ERROR', message: `the coordinator answered ${response.status}` } };
  }
  if (response.status === 401 && path !== '/api/login') {
    showLogin(data.error ? data.error.message : 'log in first');
  }
  return { status: response.status, data };
}

// ---- login ----
function showLogin(message) {
  $('app').hidden = true;
  $('login-view').hidden = false;
  $('login-error').hidden = !message || message === 'log in first';
  $('login-error').textContent = message || '';
  $('user').focus();
}

async function showApp(me) {
  state.me = me;
  $('login-view').hidden = true;
  $('app').hidden = false;
  $('who').textContent = `${me.user} (${me.role})`;
  $('set-distributed').checked = me.distributed;
  $('set-summarize').checked = me.summarize;
  editor.refresh();
  editor.focus();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { status, data } = await api('POST', '/api/login', { user: $('user').value, password: $('password').value });
  $('password').value = '';
  if (status === 200) {
    showApp(data);
  } else {
    showLogin(`${data.error.code}: ${data.error.message}`);
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/logout');
  showLogin('');
});

// ---- editor ----
const editor = CodeMirror.fromTextArea($('sql'), {
  mode: 'text/x-sql', lineNumbers: true, indentWithTabs: false, smartIndent: true,
  extraKeys: { 'Ctrl-Enter': () => run(''), 'Cmd-Enter': () => run('') },
});

/** The statement to run: the selection, or the whole text; and where it starts in the editor. */
function statement() {
  const selected = editor.somethingSelected();
  const text = selected ? editor.getSelection() : editor.getValue();
  const start = selected ? editor.indexFromPos(editor.getCursor('from')) : 0;
  return { text: text.replace(/[\s;]+$/, ''), start };
}

function clearError() {
  if (state.errorMark) state.errorMark.clear();
  state.errorMark = null;
  $('error').hidden = true;
}

/** Shows an error; a parse error's position is marked in the editor. */
function showError(error, sent) {
  $('error').hidden = false;
  let where = '';
  if (error.position !== undefined && sent) {
    const index = sent.start + Math.max(0, error.position - sent.prefix);
    const from = editor.posFromIndex(index);
    const word = editor.getValue().slice(index).match(/^[^\s,;()]*/)[0];
    const to = editor.posFromIndex(index + Math.max(1, word.length));
    state.errorMark = editor.markText(from, to, { className: 'cm-error-mark' });
    editor.setCursor(from);
    where = ` (line ${from.line + 1}, column ${from.ch + 1})`;
  }
  $('error').textContent = `${error.code}: ${error.message}${where}`;
}

function remember(sql) {
  state.history = [sql, ...state.history.filter((s) => s !== sql)].slice(0, 50);
  sessionStorage.setItem('mallard-history', JSON.stringify(state.history));
  drawHistory();
}

function drawHistory() {
  const list = $('history');
  list.replaceChildren(...state.history.map((sql) => {
    const item = document.createElement('li');
    item.textContent = sql.replace(/\s+/g, ' ');
    item.title = sql;
    item.addEventListener('click', () => { editor.setValue(sql); editor.focus(); });
    return item;
  }));
}

// ---- running ----
async function run(prefix) {
  const picked = statement();
  if (!picked.text.trim()) return;
  const sql = prefix + picked.text;
  const sent = { start: picked.start, prefix: prefix.length };
  clearError();
  remember(picked.text);
  clearTimeout(state.poll);
  state.query = null; // answers still on their way about the previous statement are dropped
  $('progress').hidden = true;
  $('cancel').disabled = true;
  $('plan').hidden = true;
  $('result').hidden = true;
  $('download').disabled = true;
  $('download-parquet').disabled = true;
  $('status').textContent = 'running…';
  const { status, data } = await api('POST', '/api/query', { sql, wait: 300, limit: isExplain(sql) ? 10000 : PAGE });
  if (status !== 200) {
    $('status').textContent = '';
    showError(data.error, sent);
    return;
  }
  state.query = { id: data.queryId, sql, sent };
  state.offset = 0;
  follow(data);
}

/** Shows a statement as it stands; polls again while it runs. Answers about an earlier statement are dropped. */
function follow(data) {
  if (!state.query || data.queryId !== state.query.id) return;
  const running = data.state === 'running';
  $('cancel').disabled = !running;
  $('progress').hidden = !running;
  if (running) {
    const p = data.progress || { tasks: 0, tasksFinished: 0, rowsShipped: 0 };
    const share = p.tasks > 0 ? p.tasksFinished / p.tasks : 0;
    $('progress-fill').style.width = `${Math.round(share * 100)}%`;
    const shards = p.tasks > 0 ? `${p.tasksFinished}/${p.tasks} shards · ${(p.rowsShipped || 0).toLocaleString('en')} rows shipped · ` : '';
    $('progress-text').textContent = `${p.status || 'running'} · ${shards}`
      + `${data.total.toLocaleString('en')} rows received · ${(data.elapsedMillis / 1000).toFixed(1)} s`;
    $('status').textContent = 'running…';
    const id = data.queryId;
    state.poll = setTimeout(async () => {
      const { status, data: next } = await api('GET', `/api/query/${id}?offset=0&limit=${PAGE}`);
      if (status === 200) follow(next);
    }, 250);
    return;
  }
  $('status').textContent = `${data.state} in ${(data.elapsedMillis / 1000).toFixed(2)} s`;
  if (data.error) {
    showError(data.error, state.query.sent);
    return;
  }
  if (isExplain(state.query.sql)) {
    renderPlan($('plan'), data);
    $('plan').hidden = false;
    return;
  }
  $('download').disabled = data.columns.length === 0;
  $('download-parquet').disabled = data.columns.length === 0;
  showPage(data);
}

function showPage(data) {
  $('result').hidden = false;
  renderTable($('result-table'), data);
  const last = data.offset + data.rows.length;
  const kept = data.truncated ? ` (the first ${data.kept.toLocaleString('en')} kept for paging; download for all)` : '';
  $('page-info').textContent = data.total === 0 ? 'no rows'
    : `rows ${(data.offset + 1).toLocaleString('en')}–${last.toLocaleString('en')} of ${data.total.toLocaleString('en')}${kept}`;
  $('prev').disabled = data.offset === 0;
  $('next').disabled = last >= data.kept;
}

async function turn(delta) {
  state.offset = Math.max(0, state.offset + delta);
  const { status, data } = await api('GET', `/api/query/${state.query.id}?offset=${state.offset}&limit=${PAGE}`);
  if (status === 200) showPage(data);
}

$('run').addEventListener('click', () => run(''));
$('explain').addEventListener('click', () => run('EXPLAIN '));
$('explain-analyze').addEventListener('click', () => run('EXPLAIN ANALYZE '));
$('prev').addEventListener('click', () => turn(-PAGE));
$('next').addEventListener('click', () => turn(PAGE));
$('cancel').addEventListener('click', async () => {
  if (state.query) await api('POST', `/api/query/${state.query.id}/cancel`);
});
/** Downloads the answer: a one-use link asked for by a call with the page's header, then followed as a plain link. */
async function download(format) {
  const { status, data } = await api('POST', '/api/download', { sql: state.query.sql, format });
  if (status !== 200) {
    showError(data.error, null);
    return;
  }
  const link = document.createElement('a');
  link.href = data.url;
  link.download = `result.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
}
$('download').addEventListener('click', () => download('csv'));
$('download-parquet').addEventListener('click', () => download('parquet'));

// ---- settings ----
async function setting(name, on) {
  const { status, data } = await api('POST', '/api/query', { sql: `SET mallard.${name} = ${on}`, wait: 5000 });
  if (status !== 200 || data.error) showError((data.error || {}), null);
  const me = await api('GET', '/api/me');
  if (me.status === 200) showApp(me.data);
}
$('set-distributed').addEventListener('change', (e) => setting('distributed', e.target.checked));
$('set-summarize').addEventListener('change', (e) => setting('summarize', e.target.checked));

// ---- cluster ----
/** Runs one read of the system tables and returns its rows, or shows its error. */
async function read(sql) {
  const { status, data } = await api('POST', '/api/query', { sql, wait: 10000, limit: 1000 });
  if (status !== 200 || data.error) {
    throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : `the coordinator answered ${status}`);
  }
  return data;
}

const CLUSTER = [
  ['workers', 'SELECT name, state, len(shards) AS shards, len(trusted_shards) AS trusted, running_tasks, cpus, '
    + 'memory_bytes, last_heartbeat, version, address FROM mallard.workers ORDER BY name', true],
  ['shards', 'SELECT shard_id, state, replicas, files, size_bytes FROM mallard.shards ORDER BY shard_id', true],
  ['tables', 'SELECT name, role, shard_key, shard_count, rows, bytes, files, version, last_commit '
    + 'FROM mallard.tables ORDER BY name', false],
  ['running', "SELECT query_id, user_name, status, strategy, started, duration_ms, tasks_finished, tasks, sql "
    + "FROM mallard.queries WHERE status IN ('running', 'queued') ORDER BY started", false],
  ['recent', 'SELECT query_id, user_name, status, strategy, started, duration_ms, rows, error_code, error, sql '
    + "FROM mallard.queries WHERE status NOT IN ('running', 'queued') ORDER BY started DESC LIMIT 50", false],
];

const CHART = 'SELECT strftime(date_trunc(\'minute\', started), \'%Y-%m-%d %H:%M\') AS minute, count(*) AS queries, '
  + 'avg(duration_ms) AS avg_ms FROM mallard.queries WHERE status NOT IN (\'running\', \'queued\') AND started > '
  + '(SELECT max(started) FROM mallard.queries) - INTERVAL 1 HOUR GROUP BY 1 ORDER BY 1';

async function refreshCluster() {
  $('cluster-status').textContent = 'reading the system tables…';
  try {
    for (const [id, sql, adminsOnly] of CLUSTER) {
      if (adminsOnly && state.me.role !== 'admin') {
        $(id).textContent = 'shown to admins only'; // the coordinator refuses these tables to everyone else
      } else {
        renderRows($(id), await read(sql));
      }
    }
    drawChart($('chart'), (await read(CHART)).rows);
    $('cluster-status').textContent = `as of ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    $('cluster-status').textContent = e.message;
  }
}

function showTab(cluster) {
  $('query-view').hidden = cluster;
  $('cluster-view').hidden = !cluster;
  $('tab-query').classList.toggle('active', !cluster);
  $('tab-cluster').classList.toggle('active', cluster);
  if (cluster) refreshCluster(); else editor.refresh();
}
$('tab-query').addEventListener('click', () => showTab(false));
$('tab-cluster').addEventListener('click', () => showTab(true));
$('refresh').addEventListener('click', refreshCluster);

// ---- start ----
state.history = JSON.parse(sessionStorage.getItem('mallard-history') || '[]');
drawHistory();
(async () => {
  const { status, data } = await api('GET', '/api/me');
  if (status === 200) showApp(data);
})();
