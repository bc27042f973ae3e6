// The Service Catalog marketplace: browse brokers, classes and plans; provision, bind, unbind and
// deprovision through catalog-api's Kubernetes-style REST paths; live status from the watch streams.
// Never reads Secrets: a binding shows only the name of the Secret its credentials went to.

const API = '/apis/servicecatalog.k8s.io/v1beta1';
const $ = (id) => document.getElementById(id);

const state = {
  ns: 'default',
  brokers: new Map(), classes: new Map(), plans: new Map(),
  instances: new Map(), bindings: new Map(),
  chosenPlan: null,
  nsWatch: null,
};
const live = { cluster: 0, ns: 0, failing: new Set() };

// ------------------------------------------------------------------ helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function path(plural, ns, name) {
  return API + (ns ? `/namespaces/${encodeURIComponent(ns)}` : '') + `/${plural}` + (name ? `/${encodeURIComponent(name)}` : '');
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// catalog-api authenticates every request: the token the user pasted, kept for this tab only.
const TOKEN_KEY = 'servicecatalog.token';
function withToken(headers) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function call(method, url, body) {
  const init = { method, headers: withToken({ Accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let json = null;
  try { json = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readyOf(obj) {
  const conds = (obj.status && obj.status.conditions) || [];
  const ready = conds.find((c) => c.type === 'Ready');
  const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
  if (obj.metadata.deletionTimestamp) return { cls: 'pending', label: 'Deleting', detail: ready ? ready.message || ready.reason : '' };
  if (failed) return { cls: 'bad', label: 'Failed', detail: failed.message || failed.reason };
  if (!ready) return { cls: 'pending', label: 'Pending', detail: '' };
  if (ready.status === 'True') return { cls: 'ok', label: 'Ready', detail: ready.message || '' };
  return { cls: ready.status === 'False' && /Error|Fail/.test(ready.reason || '') ? 'bad' : 'pending',
    label: ready.reason || 'Not ready', detail: ready.message || '' };
}

function statusCell(obj) {
  const r = readyOf(obj);
  return el('td', { class: 'status' },
    el('span', { class: `badge ${r.cls}`, text: r.label }),
    r.detail ? el('span', { class: 'detail', text: r.detail }) : null);
}

// ------------------------------------------------------------------ live lists

/** List, then watch from the list's resourceVersion; on any error, 410 or end: list and watch again. */
function watchKind(plural, ns, store, render, signal, onLive) {
  (async () => {
    let backoff = 500;
    while (!signal.aborted) {
      try {
        const list = await call('GET', path(plural, ns));
        store.clear();
        for (const item of list.items || []) store.set(item.metadata.name, item);
        render();
        onLive(plural, true);
        const rv = list.metadata && list.metadata.resourceVersion;
        const res = await fetch(`${path(plural, ns)}?watch=true&allowWatchBookmarks=true`
          + (rv ? `&resourceVersion=${encodeURIComponent(rv)}` : ''), { signal, headers: withToken({}) });
        if (!res.ok || !res.body) throw new ApiError(res.status, null);
        backoff = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (!line) continue;
            const ev = JSON.parse(line);
            if (ev.type === 'ERROR') throw new Error((ev.object && ev.object.message) || 'watch error');
            if (ev.type === 'BOOKMARK') continue;
            const o = ev.object;
            if (ev.type === 'DELETED') store.delete(o.metadata.name);
            else store.set(o.metadata.name, o);
            render();
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        onLive(plural, false, e.status);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 8000);
      }
    }
  })();
}

function setLive(plural, ok, status) {
  if (ok) live.failing.delete(plural); else live.failing.add(plural);
  if (status === 401) live.unauthorized = true; else if (ok) live.unauthorized = false;
  const p = $('live');
  p.textContent = live.unauthorized ? 'Not signed in: enter a token'
    : live.failing.size ? `Reconnecting (${[...live.failing].join(', ')})…` : 'Live';
  p.className = 'live ' + (live.failing.size ? 'down' : 'up');
}

// ------------------------------------------------------------------ rendering

function renderBrokers() {
  const rows = [...state.brokers.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((b) => el('tr', { 'data-broker': b.metadata.name },
      el('th', { scope: 'row', text: b.metadata.name }),
      el('td', { class: 'mono', text: (b.spec && b.spec.url) || '' }),
      statusCell(b)));
  $('brokers').replaceChildren(...rows);
  $('brokers-empty').hidden = rows.length > 0;
}

function plansOf(className) {
  return [...state.plans.values()]
    .filter((p) => p.spec.clusterServiceClassRef && p.spec.clusterServiceClassRef.name === className && !p.status?.removedFromBrokerCatalog)
    .sort((a, b) => a.spec.externalName.localeCompare(b.spec.externalName));
}

function renderCatalog() {
  const cards = [...state.classes.values()]
    .filter((c) => !c.status?.removedFromBrokerCatalog)
    .sort((a, b) => a.spec.externalName.localeCompare(b.spec.externalName))
    .map((c) => {
      const meta = c.spec.externalMetadata || {};
      const title = meta.displayName || c.spec.externalName;
      const hid = `class-${c.metadata.name}`;
      return el('article', { class: 'card', 'data-class': c.spec.externalName, 'aria-labelledby': hid },
        el('h3', { id: hid, text: title }),
        el('p', { class: 'meta' },
          el('code', { text: c.spec.externalName }),
          ' · broker ', el('span', { text: c.spec.clusterServiceBrokerName || '' }),
          c.spec.bindable ? el('span', { class: 'tag', text: 'bindable' }) : null),
        el('p', { class: 'desc', text: meta.longDescription || c.spec.description || '' }),
        el('ul', { class: 'plans' }, plansOf(c.metadata.name).map((p) =>
          el('li', { class: 'plan', 'data-plan': p.spec.externalName },
            el('div', {},
              el('strong', { text: p.spec.externalName }),
              el('span', { class: `tag ${p.spec.free ? 'free' : 'paid'}`, text: p.spec.free ? 'Free' : 'Paid' }),
              el('p', { class: 'desc', text: p.spec.description || '' })),
            el('button', { type: 'button', class: 'choose',
              'aria-label': `Provision ${c.spec.externalName} plan ${p.spec.externalName}`,
              onclick: () => choosePlan(c, p) }, 'Provision…')))));
    });
  $('catalog').replaceChildren(...cards);
  $('catalog-empty').hidden = cards.length > 0;
}

function renderInstances() {
  const rows = [...state.instances.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((i) => {
      const name = i.metadata.name;
      const deleting = !!i.metadata.deletionTimestamp;
      const dash = i.status && i.status.dashboardURL;
      const safeDash = dash && /^https?:\/\//i.test(dash) ? dash : null;
      return el('tr', { 'data-instance': name },
        el('th', { scope: 'row', text: name }),
        el('td', { text: `${i.spec.clusterServiceClassExternalName || i.spec.clusterServiceClassName || ''} / ${i.spec.clusterServicePlanExternalName || i.spec.clusterServicePlanName || ''}` }),
        statusCell(i),
        el('td', {}, safeDash ? el('a', { href: safeDash, target: '_blank', rel: 'noopener noreferrer', text: 'Open' }) : ''),
        el('td', { class: 'row-actions' },
          el('button', { type: 'button', class: 'bind', disabled: deleting, 'aria-label': `Bind ${name}`, onclick: () => openBind(name) }, 'Bind'),
          el('button', { type: 'button', class: 'danger deprovision', disabled: deleting, 'aria-label': `Deprovision ${name}`,
            onclick: () => remove('serviceinstances', name, 'instances-error') }, 'Deprovision')));
    });
  $('instances').replaceChildren(...rows);
  $('instances-empty').hidden = rows.length > 0;
}

function renderBindings() {
  const rows = [...state.bindings.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((b) => {
      const name = b.metadata.name;
      const deleting = !!b.metadata.deletionTimestamp;
      const secret = b.status && b.status.binding && b.status.binding.name;
      return el('tr', { 'data-binding': name },
        el('th', { scope: 'row', text: name }),
        el('td', { text: (b.spec.instanceRef && b.spec.instanceRef.name) || '' }),
        statusCell(b),
        el('td', { class: 'secret' }, secret
          ? el('code', { text: secret })
          : el('span', { class: 'detail', text: b.spec.secretName ? `${b.spec.secretName} (not written yet)` : 'not written yet' })),
        el('td', { class: 'row-actions' },
          el('button', { type: 'button', class: 'danger unbind', disabled: deleting, 'aria-label': `Unbind ${name}`,
            onclick: () => remove('servicebindings', name, 'bindings-error') }, 'Unbind')));
    });
  $('bindings').replaceChildren(...rows);
  $('bindings-empty').hidden = rows.length > 0;
}

// ------------------------------------------------------------------ errors next to fields

function clearErrors(form, alertId) {
  form.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
  const a = $(alertId);
  a.hidden = true;
  a.textContent = '';
}

/** A Status from the API: its message up top, each cause next to the input it names. */
function showError(form, alertId, err) {
  const alert = $(alertId);
  const body = err.body || {};
  const causes = (body.details && body.details.causes) || [];
  alert.replaceChildren(el('strong', { text: body.reason ? `${body.reason}${body.code ? ` (${body.code})` : ''}: ` : 'Error: ' }),
    document.createTextNode(err.message));
  alert.hidden = false;
  let first = null;
  for (const c of causes) {
    const target = fieldFor(form, c.field || '');
    if (!target) continue;
    const errP = target.errP;
    errP.textContent = (errP.textContent ? errP.textContent + ' ' : '') + (c.message || c.reason || 'invalid');
    errP.hidden = false;
    if (target.input) {
      target.input.setAttribute('aria-invalid', 'true');
      first = first || target.input;
    }
  }
  (first || alert).focus?.();
}

function fieldFor(form, field) {
  // Exact match, then the longest data-field that is a prefix of the named field.
  const inputs = [...form.querySelectorAll('[data-field]')];
  let best = null;
  for (const i of inputs) {
    const f = i.dataset.field;
    if (field === f || field.startsWith(f + '.') || field.startsWith(f + '[')) {
      if (!best || f.length > best.dataset.field.length) best = i;
    }
  }
  if (!best) return null;
  if (best.classList.contains('field-error')) return { input: null, errP: best };
  return { input: best, errP: $(best.getAttribute('aria-describedby').split(' ').find((x) => x.endsWith('-err'))) };
}

// ------------------------------------------------------------------ provisioning

function schemaFor(plan) {
  const s = plan.spec.instanceCreateParameterSchema;
  return s && typeof s === 'object' && s.properties ? s : null;
}

function choosePlan(cls, plan) {
  state.chosenPlan = { cls, plan };
  const form = $('provision-form');
  clearErrors(form, 'provision-error');
  form.reset();
  $('provision-plan').replaceChildren('Service ', el('code', { text: cls.spec.externalName }), ', plan ',
    el('code', { text: plan.spec.externalName }), ' ',
    el('span', { class: `tag ${plan.spec.free ? 'free' : 'paid'}`, text: plan.spec.free ? 'Free' : 'Paid' }));
  $('pv-namespace').value = state.ns;
  $('pv-name').value = '';
  buildParams(schemaFor(plan));
  $('provision').hidden = false;
  $('provision').scrollIntoView({ block: 'start' });
  $('pv-name').focus();
}

function buildParams(schema) {
  const box = $('pv-params-fields');
  const props = schema ? Object.entries(schema.properties) : [];
  const required = new Set((schema && schema.required) || []);
  $('pv-params').hidden = props.length === 0;
  box.replaceChildren(...props.map(([key, p]) => paramField(key, p || {}, required.has(key))));
}

function paramField(key, p, required) {
  const id = `param-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const described = [p.description ? `${id}-help` : null, `${id}-err`].filter(Boolean).join(' ');
  const label = p.title || key;
  const common = { id, name: key, 'data-param': key, 'data-type': Array.isArray(p.enum) ? 'enum' : (p.type || 'string'),
    'data-field': `spec.parameters.${key}`, 'aria-describedby': described, required };
  let input;
  if (Array.isArray(p.enum)) {
    input = el('select', common,
      required ? null : el('option', { value: '', text: '—' }),
      p.enum.map((v, i) => el('option', { value: String(i), text: String(v), selected: p.default !== undefined ? p.default === v : false })));
  } else if (p.type === 'boolean') {
    input = el('input', { ...common, type: 'checkbox', required: false, checked: p.default === true });
  } else if (p.type === 'integer' || p.type === 'number') {
    input = el('input', { ...common, type: 'number', step: p.type === 'integer' ? '1' : 'any',
      min: p.minimum, max: p.maximum, value: p.default !== undefined ? String(p.default) : undefined });
  } else {
    input = el('input', { ...common, type: p.format === 'password' ? 'password' : 'text',
      minlength: p.minLength, maxlength: p.maxLength, pattern: p.pattern,
      value: p.default !== undefined ? String(p.default) : undefined, autocomplete: 'off' });
  }
  input._enum = p.enum;
  const lab = el('label', { for: id }, label, required ? el('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
    p.type && !p.enum ? el('span', { class: 'type', text: ` ${p.type}` }) : null);
  const wrap = el('div', { class: `field ${p.type === 'boolean' ? 'check' : ''}` },
    p.type === 'boolean' ? [input, lab] : [lab, input],
    p.description ? el('p', { id: `${id}-help`, class: 'help', text: p.description }) : null,
    el('p', { id: `${id}-err`, class: 'field-error', hidden: true }));
  return wrap;
}

function collectParams() {
  const out = {};
  for (const i of $('pv-params-fields').querySelectorAll('[data-param]')) {
    const key = i.dataset.param;
    const t = i.dataset.type;
    if (t === 'boolean') { out[key] = i.checked; continue; }
    if (t === 'enum') { if (i.value !== '') out[key] = i._enum[Number(i.value)]; continue; }
    if (i.value === '') continue;
    out[key] = t === 'integer' ? parseInt(i.value, 10) : t === 'number' ? Number(i.value) : i.value;
  }
  return out;
}

async function provision(ev) {
  ev.preventDefault();
  const form = $('provision-form');
  clearErrors(form, 'provision-error');
  const { cls, plan } = state.chosenPlan;
  const ns = $('pv-namespace').value.trim();
  const name = $('pv-name').value.trim();
  const body = { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ServiceInstance',
    metadata: { name, namespace: ns },
    spec: { clusterServiceClassExternalName: cls.spec.externalName, clusterServicePlanExternalName: plan.spec.externalName,
      parameters: collectParams() } };
  $('pv-submit').disabled = true;
  try {
    await call('POST', path('serviceinstances', ns), body);
    $('provision').hidden = true;
    state.chosenPlan = null;
    if (ns !== state.ns) { $('namespace').value = ns; switchNamespace(ns); }
  } catch (e) {
    if (!(e instanceof ApiError)) e.body = { message: String(e.message || e) };
    showError(form, 'provision-error', e);
  } finally {
    $('pv-submit').disabled = false;
  }
}

// ------------------------------------------------------------------ binding and deleting

function openBind(instance) {
  const form = $('bind-form');
  clearErrors(form, 'bind-error');
  form.dataset.bindFor = instance;
  $('bind-instance').textContent = instance;
  $('bd-name').value = `${instance}-binding`;
  $('bd-secret').value = `${instance}-credentials`;
  form.hidden = false;
  $('bd-name').focus();
}

async function bind(ev) {
  ev.preventDefault();
  const form = $('bind-form');
  clearErrors(form, 'bind-error');
  const spec = { instanceRef: { name: form.dataset.bindFor } };
  const secret = $('bd-secret').value.trim();
  if (secret) spec.secretName = secret;
  $('bd-submit').disabled = true;
  try {
    await call('POST', path('servicebindings', state.ns), {
      apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ServiceBinding',
      metadata: { name: $('bd-name').value.trim(), namespace: state.ns }, spec });
    form.hidden = true;
  } catch (e) {
    if (!(e instanceof ApiError)) e.body = { message: String(e.message || e) };
    showError(form, 'bind-error', e);
  } finally {
    $('bd-submit').disabled = false;
  }
}

async function remove(plural, name, alertId) {
  const alert = $(alertId);
  alert.hidden = true;
  try {
    await call('DELETE', path(plural, state.ns, name));
  } catch (e) {
    const b = e.body || {};
    alert.replaceChildren(el('strong', { text: `${b.reason || 'Error'}: ` }), document.createTextNode(e.message));
    alert.hidden = false;
  }
}

// ------------------------------------------------------------------ wiring

function switchNamespace(ns) {
  state.ns = ns;
  document.querySelectorAll('.ns-name').forEach((s) => { s.textContent = ns; });
  if (state.nsWatch) state.nsWatch.abort();
  state.nsWatch = new AbortController();
  state.instances.clear(); state.bindings.clear();
  renderInstances(); renderBindings();
  $('bind-form').hidden = true;
  live.failing.delete('serviceinstances'); live.failing.delete('servicebindings');
  watchKind('serviceinstances', ns, state.instances, renderInstances, state.nsWatch.signal, setLive);
  watchKind('servicebindings', ns, state.bindings, renderBindings, state.nsWatch.signal, setLive);
}

function start() {
  const tokenInput = $('token');
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('change', () => {
    const token = tokenInput.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  const cluster = new AbortController();
  watchKind('clusterservicebrokers', null, state.brokers, renderBrokers, cluster.signal, setLive);
  watchKind('clusterserviceclasses', null, state.classes, renderCatalog, cluster.signal, setLive);
  watchKind('clusterserviceplans', null, state.plans, renderCatalog, cluster.signal, setLive);
  $('provision-form').addEventListener('submit', provision);
  $('pv-cancel').addEventListener('click', () => { $('provision').hidden = true; });
  $('bind-form').addEventListener('submit', bind);
  $('bd-cancel').addEventListener('click', () => { $('bind-form').hidden = true; });
  const nsInput = $('namespace');
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('ns');
  if (fromHash) nsInput.value = fromHash;
  nsInput.addEventListener('change', () => {
    const ns = nsInput.value.trim() || 'default';
    history.replaceState(null, '', `#ns=${encodeURIComponent(ns)}`);
    switchNamespace(ns);
  });
  switchNamespace(nsInput.value.trim() || 'default');
}

start();
