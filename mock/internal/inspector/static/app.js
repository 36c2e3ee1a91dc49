// The inspector's script. It reads the admin API of the server that served the page, by URLs
// relative to the page ("../requests"), so that the page works wherever the admin API is
// mounted (the root, or a sandbox). Everything a client sent is shown as text, never as HTML.
'use strict';

const POLL_MS = 1000; // how often the journal is asked for new requests while live
const KEEP = 5000; // requests the page holds at most (the journal's default size is 1000)
const TOKEN_KEY = 'connectormock.adminToken';

const $ = (id) => document.getElementById(id);
const state = { entries: [], lastId: 0, selected: 0, operations: [], timer: 0, polling: false, needToken: false };

// el builds an element; children are nodes or strings (set as text).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// api calls the admin API with the token the user gave, if any. It resolves to the Response;
// a 401 asks for the token instead of throwing, so that polling goes on once it is given.
async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, Object.assign({}, opts, { headers, cache: 'no-store' }));
  if (res.status === 401) {
    state.needToken = true;
    banner(token ? 'The admin token was refused; enter the right one above.' :
      'The admin API needs a token: enter it above (it is kept in this tab only).');
  } else if (state.needToken) {
    state.needToken = false;
    banner('');
  }
  return res;
}

function banner(text) {
  const b = $('banner');
  b.textContent = text;
  b.hidden = !text;
}

async function json(path) {
  const res = await api(path);
  if (!res.ok) throw new Error(path + ': ' + res.status);
  return res.json();
}

// ---- requests ----

async function poll() {
  clearTimeout(state.timer);
  if (state.polling) return; // the poll under way schedules the next
  state.polling = true;
  try {
    const data = await json('../requests?after=' + state.lastId);
    if (data.lastId < state.lastId) { // the server restarted: start over
      state.entries = [];
    }
    state.lastId = data.lastId;
    if (data.requests.length > 0) {
      for (const r of data.requests) {
        r.at = Date.parse(r.time);
        state.entries.unshift(r);
      }
      // The journal is in the order answers finished; the list is in the order requests came.
      state.entries.sort((a, b) => b.at - a.at || b.id - a.id);
      state.entries.length = Math.min(state.entries.length, KEEP);
      noteOperations(data.requests);
      render();
    }
  } catch (e) {
    if (!state.needToken) banner('Cannot read the journal: ' + e.message);
  }
  state.polling = false;
  clearTimeout(state.timer);
  if ($('live').checked) state.timer = setTimeout(poll, POLL_MS);
}

function statusClass(s) { return 's' + String(s).charAt(0); }

function matches(r) {
  const vendor = $('filter-vendor').value;
  const status = $('filter-status').value;
  const op = $('filter-operation').value;
  if (vendor && r.vendor !== vendor) return false;
  if (op && r.operationId !== op) return false;
  if (status === 'refused') return !!r.error && !r.forced; // a forced answer was asked for
  if (status && String(r.status).charAt(0) !== status) return false;
  return true;
}

function render() {
  const body = $('requests').tBodies[0];
  const rows = [];
  let shown = 0;
  for (const r of state.entries) {
    if (!matches(r)) continue;
    shown++;
    const tr = el('tr', { 'data-id': r.id, 'data-status': r.status, class: r.id === state.selected ? 'selected' : '' },
      el('td', {}, clock(r.time)),
      el('td', {}, r.vendor || ''),
      el('td', { class: 'op', title: r.operationId || '' }, r.operationId || (r.preflight ? '(preflight)' : '')),
      el('td', {}, r.method),
      el('td', { class: 'path', title: r.path + (r.query ? '?' + r.query : '') }, r.path + (r.query ? '?' + r.query : '')),
      el('td', { class: 'status ' + statusClass(r.status) }, r.status),
      el('td', {}, ms(r.durationNs)),
      el('td', {}, r.principal || ''),
      el('td', { class: 'reason', title: r.error || '' }, reason(r)));
    tr.addEventListener('click', () => select(r.id));
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  $('count').textContent = shown + ' of ' + state.entries.length + ' requests';
}

// reason is a refusal in a few words: its first offending field, else its message.
function reason(r) {
  if (r.fields && r.fields.length) {
    const f = r.fields[0];
    return (f.field ? f.field + ': ' : '') + f.message + (r.fields.length > 1 ? ' (+' + (r.fields.length - 1) + ')' : '');
  }
  return r.error || '';
}

function clock(t) {
  const d = new Date(t);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

function ms(ns) {
  const v = ns / 1e6;
  return (v < 10 ? v.toFixed(2) : v.toFixed(0)) + ' ms';
}

function select(id) {
  state.selected = id;
  for (const tr of $('requests').tBodies[0].rows) tr.classList.toggle('selected', Number(tr.dataset.id) === id);
  const r = state.entries.find((e) => e.id === id);
  const d = $('detail');
  if (!r) { d.hidden = true; return; }
  d.hidden = false;
  const badges = el('p', {});
  if (r.error && !r.forced) badges.append(el('span', { class: 'badge refused' }, 'refused'));
  if (r.forced) badges.append(el('span', { class: 'badge forced', id: 'detail-forced' }, 'answer forced by ' + r.forcedBy));
  if (r.prefer) badges.append(el('span', { class: 'badge', id: 'detail-prefer' }, 'Prefer: ' + r.prefer));
  if (r.preflight) badges.append(el('span', { class: 'badge preflight' }, 'CORS preflight'));
  const parts = [
    el('h3', {}, r.method + ' ' + r.path + (r.query ? '?' + r.query : '')),
    el('p', { class: 'muted' }, [new Date(r.time).toISOString(), r.vendor, r.operationId, r.principal && 'as ' + r.principal]
      .filter(Boolean).join(' · ')),
    badges,
  ];
  if (r.error) parts.push(el('p', { class: 'error', id: 'detail-error' }, r.error));
  if (r.fields && r.fields.length) {
    parts.push(el('h3', {}, 'Validation errors'));
    parts.push(el('ul', { class: 'fields', id: 'detail-fields' }, ...r.fields.map((f) =>
      el('li', {}, el('code', {}, f.in + (f.field ? ' › ' + f.field : '')), ' ', f.message))));
  }
  parts.push(el('h3', {}, 'Request'));
  parts.push(headers(r.requestHeaders));
  parts.push(bodyView(r.requestBody, r.requestBodySize, r.requestBodyTruncated, r.requestHeaders, r.fields, 'detail-request-body'));
  parts.push(el('h3', {}, 'Response ', el('span', { class: 'status ' + statusClass(r.status) }, r.status)));
  parts.push(headers(r.responseHeaders));
  parts.push(bodyView(r.responseBody, r.responseBodySize, r.responseBodyTruncated, r.responseHeaders, null, 'detail-response-body'));
  if (r.headersTruncated) parts.push(el('p', { class: 'muted' }, 'Some headers were too large to keep.'));
  d.replaceChildren(...parts);
}

function headers(h) {
  const t = el('table', { class: 'headers' });
  for (const k of Object.keys(h || {}).sort()) {
    for (const v of h[k]) t.append(el('tr', {}, el('th', {}, k), el('td', {}, v)));
  }
  return t;
}

// bodyView shows a body, pretty-printed when it is JSON, with the lines of the offending
// fields of a refusal marked.
function bodyView(text, size, truncated, hdrs, fields, id) {
  if (!text) return el('p', { class: 'muted', id }, size ? '(' + size + ' bytes, not kept)' : '(no body)');
  let shown = text;
  if (!truncated) {
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: as sent */ }
  }
  const keys = new Set();
  for (const f of fields || []) {
    if (f.in !== 'body' || !f.field) continue;
    const last = f.field.replace(/\[\d+\]$/, '').split(/[.[\]]/).filter(Boolean).pop();
    if (last) keys.add('"' + last + '"');
  }
  const pre = el('pre', { id });
  for (const line of shown.split('\n')) {
    const hit = [...keys].some((k) => line.includes(k + ':'));
    pre.append(hit ? el('mark', {}, line) : line, '\n');
  }
  const wrap = el('div', {}, pre);
  if (truncated) wrap.append(el('p', { class: 'muted' }, 'Truncated: ' + text.length + ' of ' + size + ' bytes kept.'));
  return wrap;
}

function noteOperations(reqs) {
  let added = false;
  for (const r of reqs) {
    if (r.operationId && !state.operations.some((o) => o.operationId === r.operationId)) {
      state.operations.push({ operationId: r.operationId, vendor: r.vendor, statuses: [] });
      added = true;
    }
  }
  if (added) fillOperations();
}

function fillOperations() {
  const ops = [...state.operations].sort((a, b) => a.operationId.localeCompare(b.operationId));
  for (const id of ['filter-operation', 'fault-operation']) {
    const sel = $(id);
    const keep = sel.value;
    const opts = id === 'filter-operation' ? [el('option', { value: '' }, 'all')] : [];
    for (const o of ops) opts.push(el('option', { value: o.operationId }, o.operationId + (o.vendor ? ' (' + o.vendor + ')' : '')));
    sel.replaceChildren(...opts);
    sel.value = keep;
    if (sel.selectedIndex < 0) sel.selectedIndex = 0;
  }
  faultStatuses();
}

// ---- state and faults ----

async function loadState() {
  try {
    const st = await json('../state');
    const root = $('state');
    root.replaceChildren();
    for (const [vendor, data] of Object.entries(st.vendors || {})) root.append(tree(vendor, data, true));
  } catch (e) {
    if (!state.needToken) $('state').textContent = 'Cannot read the state: ' + e.message;
  }
  loadFaults();
}

// tree renders a JSON value as nested <details>, objects and arrays collapsed below the top.
function tree(name, v, open) {
  if (v === null || typeof v !== 'object') {
    return el('div', { class: 'leaf' }, el('span', { class: 'key' }, name + ': '), JSON.stringify(v));
  }
  const n = Array.isArray(v) ? v.length + ' items' : Object.keys(v).length + ' fields';
  const d = el('details', { open }, el('summary', {}, name + ' ', el('span', { class: 'muted' }, n)));
  for (const [k, c] of Object.entries(v)) d.append(tree(Array.isArray(v) ? '[' + k + ']' : k, c, false));
  return d;
}

async function loadFaults() {
  try {
    const data = await json('../faults');
    $('faults').tBodies[0].replaceChildren(...data.faults.map((f) =>
      el('tr', {}, el('td', {}, f.operationId), el('td', {}, f.status || ''), el('td', {}, f.count), el('td', {}, f.delay || ''))));
  } catch (e) { /* the banner says why */ }
}

function faultStatuses() {
  const op = state.operations.find((o) => o.operationId === $('fault-operation').value);
  $('fault-statuses').replaceChildren(...((op && op.statuses) || []).filter((s) => s >= 400).map((s) => el('option', { value: s })));
}

async function addFault(ev) {
  ev.preventDefault();
  const f = { operationId: $('fault-operation').value, count: Number($('fault-count').value) || 1 };
  if ($('fault-status').value) f.status = Number($('fault-status').value);
  if ($('fault-delay').value.trim()) f.delay = $('fault-delay').value.trim();
  const res = await api('../faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(f) });
  const err = $('fault-error');
  if (res.ok) {
    err.hidden = true;
  } else {
    const body = await res.json().catch(() => ({}));
    err.textContent = 'Fault refused: ' + (body.error || res.status);
    err.hidden = false;
  }
  loadFaults();
}

// ---- start ----

function show(view) {
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.dataset.view === view);
  $('view-requests').hidden = view !== 'requests';
  $('view-state').hidden = view !== 'state';
  if (view === 'state') loadState();
}

async function loadMeta() {
  try {
    const h = await json('../health');
    const sel = $('filter-vendor');
    sel.replaceChildren(el('option', { value: '' }, 'all'), ...h.vendors.map((v) => el('option', { value: v.name }, v.name)));
    const ops = await json('../operations');
    state.operations = ops.operations;
    fillOperations();
  } catch (e) {
    if (!state.needToken) banner('Cannot reach the admin API: ' + e.message);
  }
}

async function start() {
  await loadMeta();
  poll();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const t of document.querySelectorAll('.tab')) t.addEventListener('click', () => show(t.dataset.view));
  for (const id of ['filter-vendor', 'filter-status', 'filter-operation']) $(id).addEventListener('change', render);
  $('live').addEventListener('change', () => { if ($('live').checked) poll(); else clearTimeout(state.timer); });
  $('clear').addEventListener('click', async () => {
    const res = await api('../requests', { method: 'DELETE' });
    if (res.ok) {
      state.entries = [];
      state.selected = 0;
      $('detail').hidden = true;
      render();
    }
  });
  $('fault-form').addEventListener('submit', addFault);
  $('fault-operation').addEventListener('change', faultStatuses);
  $('faults-clear').addEventListener('click', async () => { await api('../faults', { method: 'DELETE' }); loadFaults(); });
  $('state-refresh').addEventListener('click', loadState);
  $('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('token').value.trim();
    if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY);
    banner('');
    state.needToken = false;
    start();
    if (!$('view-state').hidden) loadState();
  });
  start();
});
