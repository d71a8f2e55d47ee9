/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The herkomst dashboard: the inventory, the devices per controlling country
 * and the flagged devices with their evidence, from the read-only API of the
 * same server. Nothing is fetched from anywhere else.
 *
 * Everything the API returns is data from the network (banners, host names,
 * ...), so it reaches the page only as text: textContent and attributes set
 * by name, never innerHTML.
 */
'use strict';

(function () {
  const REFRESH_MS = 30000;
  const PAGE = 100;
  const FLAGGED_MAX = 20; /* flagged devices shown with their evidence */
  const FLAGGED_OPEN = 5; /* of them shown opened */
  const TOKEN_KEY = 'herkomst.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const FILTERS = ['site', 'sensor', 'country', 'role', 'manufacturer', 'flagged', 'q'];
  /* fleet mode: the filters every request carries (summary, flagged, devices, one device) */
  const SCOPE = ['site', 'sensor'];
  const STALE_MS = 24 * 3600 * 1000; /* a sensor that has not shipped for a day is marked */

  const $ = (id) => document.getElementById(id);
  const state = { offset: 0, filters: {}, timer: null, busy: false };

  /* --- DOM helpers: text only ------------------------------------------- */

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function text(v) {
    return v === null || v === undefined || v === '' ? '–' : String(v);
  }

  /* "2026-03-02T08:04:59.401935Z" → "2026-03-02 08:04:59" (UTC; the title has it all) */
  function shortTime(t) {
    return t ? String(t).slice(0, 19).replace('T', ' ') : '–';
  }

  /* --- the API ------------------------------------------------------------- */

  class AuthError extends Error {}

  async function api(path) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
    if (r.status === 401) throw new AuthError('token needed');
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      throw new Error(path + ': HTTP ' + r.status + ', not JSON');
    }
    if (!r.ok) {
      const msg = body && body.error ? body.error.message : 'HTTP ' + r.status;
      throw new Error(msg);
    }
    return body;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  function scope() {
    const o = {};
    for (const k of SCOPE) if (state.filters[k]) o[k] = state.filters[k];
    return o;
  }

  /* An address, with the site of an IP-only device of a fleet: the same
   * private address at two sites is two devices. */
  function addr(ip, d) {
    return d.scope ? ip + ' @' + d.scope : ip;
  }

  /* The country a device counts under: as the API's summary and filter. */
  function countryOf(d) {
    if (d.origin && d.origin.control_country) return { cc: d.origin.control_country, basis: 'control' };
    if (d.oui && d.oui.country) return { cc: d.oui.country, basis: 'OUI' };
    return { cc: null, basis: null };
  }

  /* --- filters and the URL --------------------------------------------------- */

  function readUrl() {
    const q = new URLSearchParams(location.search);
    const dev = parseInt(q.get('device') || '', 10);
    state.device = Number.isInteger(dev) && dev > 0 ? dev : null;
    state.filters = {};
    for (const k of FILTERS) if (q.get(k)) state.filters[k] = q.get(k);
    const off = parseInt(q.get('offset') || '0', 10);
    state.offset = Number.isFinite(off) && off > 0 ? off : 0;
    for (const k of FILTERS) {
      const input = $('f-' + k);
      if (input.tagName === 'SELECT' && state.filters[k] && !hasOption(input, state.filters[k]))
        input.appendChild(el('option', { value: state.filters[k] }, state.filters[k]));
      input.value = state.filters[k] || '';
    }
  }

  function writeUrl() {
    const params = Object.assign({}, state.filters);
    if (state.offset) params.offset = state.offset;
    if (state.device) params.device = state.device;
    history.replaceState(null, '', location.pathname + query(params));
  }

  function hasOption(select, value) {
    return Array.from(select.options).some((o) => o.value === value);
  }

  function setFilter(k, v) {
    if (v) state.filters[k] = v;
    else delete state.filters[k];
    state.offset = 0;
    writeUrl();
    /* a site or sensor changes every number on the page */
    if (SCOPE.includes(k)) refresh();
    else loadDevices();
  }

  /* Keeps a select's choice while its options change. */
  function fillSelect(select, rows, key, label) {
    const keep = select.value;
    clear(select);
    select.appendChild(el('option', { value: '' }, 'any'));
    for (const r of rows) {
      const v = r[key] === null ? 'none' : r[key];
      select.appendChild(el('option', { value: v }, (r[key] === null ? label : r[key]) + ' (' + r.devices + ')'));
    }
    if (keep && !hasOption(select, keep)) select.appendChild(el('option', { value: keep }, keep));
    select.value = keep;
  }

  /* --- rendering ------------------------------------------------------------- */

  function renderSummary(s) {
    $('n-devices').textContent = s.devices;
    $('n-flagged').textContent = s.flagged;
    $('n-partial').textContent = s.verdicts ? s.verdicts.partial : '–';
    $('n-unknown').textContent = s.verdicts ? s.verdicts.unknown : '–';
    $('n-countries').textContent = s.countries.filter((c) => c.country !== null).length;
    fillSelect($('f-country'), s.countries, 'country', 'no country');
    /* a role filter takes names only: "none" is not a role */
    fillSelect($('f-role'), s.roles.filter((r) => r.role !== null), 'role', '');
    renderChart(s.countries);
  }

  /* Fleet mode: the sites table and the site and sensor selectors. */
  function renderSites(s) {
    const tbody = $('sites').tBodies[0];
    clear(tbody);
    const now = Date.now();
    const sensors = [];
    for (const site of s.sites) {
      for (const n of site.sensors) {
        sensors.push({ sensor: n.sensor, devices: n.devices, site: site.site });
        const shipped = n.last_shipment ? Date.parse(n.last_shipment) : 0;
        const stale = !shipped || now - shipped > STALE_MS;
        tbody.appendChild(el('tr', { 'data-site': site.site, 'data-sensor': n.sensor },
          el('td', {}, site.site), el('td', { class: 'mono' }, n.sensor),
          el('td', { class: 'num' }, n.devices), el('td', { class: 'mono' }, shortTime(n.last_seen)),
          el('td', { class: 'mono' + (stale ? ' stale' : ''), title: stale ? 'no shipment for more than a day' : '' },
            shortTime(n.last_shipment))));
      }
    }
    if (!s.sites.length)
      tbody.appendChild(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No sensor has shipped yet.')));
    fillSelect($('f-site'), s.sites, 'site', '');
    fillSelect($('f-sensor'), sensors, 'sensor', '');
    $('f-site').options[0].textContent = 'all sites';
    $('f-sensor').options[0].textContent = 'all sensors';
  }

  function renderChart(rows) {
    const box = $('chart');
    clear(box);
    if (!rows.length) {
      box.appendChild(el('p', { class: 'note' }, 'No devices yet.'));
      return;
    }
    const barH = 22, gap = 6, labelW = 90, countW = 60, width = 640;
    const max = Math.max(...rows.map((r) => r.devices), 1);
    const plotW = width - labelW - countW;
    const height = rows.length * (barH + gap) + 24;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img',
      'aria-label': 'devices per controlling country' });
    rows.forEach((r, i) => {
      const y = i * (barH + gap);
      const g = svg('g', { class: 'bar', 'data-country': r.country === null ? 'none' : r.country });
      const name = r.country === null ? 'no country' : r.country;
      const title = svg('title', {}, `${name}: ${r.devices} devices (${r.control || 0} by control, ${r.oui || 0} by OUI only)`);
      g.appendChild(title);
      g.appendChild(svg('text', { x: labelW - 8, y: y + barH * 0.7, 'text-anchor': 'end', class: 'label' }, name));
      const wCtl = ((r.control || 0) / max) * plotW;
      const wOui = ((r.oui || 0) / max) * plotW;
      const wNone = ((r.devices - (r.control || 0) - (r.oui || 0)) / max) * plotW;
      let x = labelW;
      for (const [w, cls] of [[wCtl, 'ctl'], [wOui, 'oui'], [wNone, 'none']]) {
        if (w <= 0) continue;
        g.appendChild(svg('rect', { x, y, width: Math.max(w, 1), height: barH, class: cls }));
        x += w;
      }
      g.appendChild(svg('text', { x: x + 6, y: y + barH * 0.7, class: 'value' }, r.devices));
      g.addEventListener('click', () => {
        const v = r.country === null ? 'none' : r.country;
        $('f-country').value = v;
        setFilter('country', v);
      });
      root.appendChild(g);
    });
    const ly = rows.length * (barH + gap) + 8;
    root.appendChild(svg('rect', { x: labelW, y: ly, width: 12, height: 12, class: 'ctl' }));
    root.appendChild(svg('text', { x: labelW + 18, y: ly + 11, class: 'legend' }, 'control country'));
    root.appendChild(svg('rect', { x: labelW + 150, y: ly, width: 12, height: 12, class: 'oui' }));
    root.appendChild(svg('text', { x: labelW + 168, y: ly + 11, class: 'legend' }, 'OUI country only'));
    box.appendChild(root);
  }

  function verdictBadge(d) {
    if (!d.verdict) return el('span', { class: 'badge' }, '–');
    const holds = d.criteria
      ? ['1', '2', '3A', '3B'].filter((k) => d.criteria[k] && d.criteria[k].holds)
      : [];
    const label = d.verdict === 'partial' && holds.length ? 'partial ' + holds.join(',') : d.verdict;
    return el('span', { class: 'badge v-' + d.verdict }, label);
  }

  function renderDevices(page) {
    const tbody = $('devices').tBodies[0];
    clear(tbody);
    for (const d of page.devices) {
      const c = countryOf(d);
      const ips = d.ips.length > 1 ? addr(d.ips[0], d) + ' +' + (d.ips.length - 1) : d.ips.length ? addr(d.ips[0], d) : null;
      const tr = el('tr', { 'data-id': d.id, class: d.flagged ? 'flagged' : '', tabindex: 0 },
        el('td', { class: 'num' }, d.id),
        el('td', { class: 'mono' }, text(d.mac)),
        el('td', { class: 'mono' }, text(ips)),
        el('td', {}, text(d.hostnames[0])),
        el('td', {}, text(d.manufacturer)),
        el('td', {}, text(d.model || d.product)),
        el('td', {}, text(d.role)),
        el('td', { title: c.basis ? 'by ' + c.basis : '' }, c.cc ? c.cc + (c.basis === 'OUI' ? ' (OUI)' : '') : '–'),
        el('td', {}, d.protocols.length ? d.protocols.join(', ') : '–'),
        el('td', {}, verdictBadge(d)),
        el('td', { class: 'fleet-only' }, d.sites ? d.sites.join(', ') : '–'),
        el('td', { class: 'mono', title: text(d.last_seen) }, shortTime(d.last_seen)));
      tr.addEventListener('click', () => showDevice(d.id));
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') showDevice(d.id); });
      tbody.appendChild(tr);
    }
    if (!page.devices.length)
      tbody.appendChild(el('tr', {}, el('td', { colspan: 12, class: 'empty' }, 'No device matches these filters.')));
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.devices.length;
    $('matching').textContent = `${page.total} matching device${page.total === 1 ? '' : 's'}`;
    $('page').textContent = page.total ? `${first}–${last} of ${page.total}` : '';
    $('prev').disabled = page.offset === 0;
    $('next').disabled = !page.next;
  }

  function criteriaBlock(d) {
    const names = { '1': '1 cooperation law / state ownership', '2': '2 offensive programme',
      '3A': '3A extensive access', '3B': '3B mitigation' };
    const box = el('div', { class: 'criteria' });
    if (!d.criteria) return box;
    for (const k of ['1', '2', '3A', '3B']) {
      const c = d.criteria[k];
      if (!c) continue;
      const ul = el('ul');
      for (const why of c.evidence || []) ul.appendChild(el('li', {}, why));
      box.appendChild(el('div', { class: 'crit ' + (c.holds ? 'holds' : 'not') },
        el('strong', {}, (c.holds ? '✔ ' : '✘ ') + names[k]), ul));
    }
    return box;
  }

  function originLine(d) {
    const o = d.origin;
    if (!o) return el('p', { class: 'note' }, 'Origin not established: no ownership data for this manufacturer.');
    return el('p', {}, 'Origin: ', el('strong', {}, text(o.company)), ' — controlled by ', text(o.controller),
      ' (', text(o.control_country), ')', o.basis ? el('span', { class: 'note' }, ' · ' + o.basis) : null);
  }

  function evidenceTable(d) {
    const t = el('table', { class: 'evidence' },
      el('thead', {}, el('tr', {}, el('th', {}, 'attribute'), el('th', {}, 'value'), el('th', {}, 'source'),
        el('th', {}, 'conf.'), el('th', {}, 'count'), el('th', {}, 'last seen'))));
    const tb = el('tbody');
    for (const e of d.evidence || [])
      tb.appendChild(el('tr', {}, el('td', {}, e.attribute), el('td', { class: 'mono' }, e.value),
        el('td', {}, e.source), el('td', { class: 'num' }, e.confidence), el('td', { class: 'num' }, e.count),
        el('td', { class: 'mono' }, text(e.last_seen))));
    t.appendChild(tb);
    return t;
  }

  /* fleet mode: the sensors this device's facts come from */
  function sightingsBlock(d) {
    if (!d.sightings) return null;
    const t = el('table', { class: 'evidence' },
      el('thead', {}, el('tr', {}, el('th', {}, 'site'), el('th', {}, 'sensor'), el('th', {}, 'first seen'),
        el('th', {}, 'last seen'), el('th', {}, 'packets'), el('th', {}, 'shipped'))));
    const tb = el('tbody');
    for (const s of d.sightings)
      tb.appendChild(el('tr', {}, el('td', {}, s.site), el('td', { class: 'mono' }, s.sensor),
        el('td', { class: 'mono' }, shortTime(s.first_seen)), el('td', { class: 'mono' }, shortTime(s.last_seen)),
        el('td', { class: 'num' }, s.packets), el('td', { class: 'mono' }, shortTime(s.shipped_at))));
    t.appendChild(tb);
    return el('div', {}, el('p', {}, 'Seen at ', el('strong', { class: 'sites' }, d.sites.join(', ')),
      ' by ', d.sensors.join(', ')), t);
  }

  function deviceCard(d, open) {
    const c = countryOf(d);
    const head = el('summary', {},
      verdictBadge(d), ' ',
      el('strong', {}, text(d.manufacturer)), ' ', text(d.model || d.product || d.role), ' · ',
      el('span', { class: 'mono' }, text(d.mac)), ' · ',
      el('span', { class: 'mono' }, d.ips.map((ip) => addr(ip, d)).join(', ') || '–'),
      c.cc ? ' · ' + c.cc : '', d.sites ? el('span', { class: 'scope' }, ' · ' + d.sites.join(', ')) : null);
    const body = el('div', { class: 'card-body' }, originLine(d), criteriaBlock(d), sightingsBlock(d),
      el('details', {}, el('summary', {}, `evidence (${(d.evidence || []).length})`), evidenceTable(d)));
    const det = el('details', { class: 'card', 'data-id': d.id }, head, body);
    if (open) det.open = true;
    return det;
  }

  async function renderFlagged() {
    /* one request: with evidence=true the objects are those of /api/v1/devices/{id} */
    const list = await api('/api/v1/devices' + query(Object.assign(scope(),
      { flagged: 'true', evidence: 'true', limit: FLAGGED_MAX })));
    const box = $('flagged');
    const full = list.devices.slice(0, FLAGGED_MAX);
    /* a refresh keeps the cards the reader opened or closed as they were */
    const open = state.flaggedShown
      ? new Set(Array.from(box.querySelectorAll('details.card[open]'), (e) => e.dataset.id))
      : null;
    clear(box);
    $('flagged-count').textContent = '(' + list.total + ')';
    if (!list.total) box.appendChild(el('p', { class: 'ok' }, 'No device is flagged.'));
    /* the first few open: their criteria are the point of this section */
    full.forEach((d, i) => box.appendChild(deviceCard(d, open ? open.has(String(d.id)) : i < FLAGGED_OPEN)));
    state.flaggedShown = true;
    if (list.total > full.length)
      box.appendChild(el('p', { class: 'note' }, `${list.total - full.length} more: filter the inventory on flagged.`));
  }

  async function showDevice(id) {
    try {
      const d = await api('/api/v1/devices/' + encodeURIComponent(id) + query(scope()));
      if (state.device !== d.id) {
        state.device = d.id;
        writeUrl();
      }
      $('detail-title').textContent = '#' + d.id;
      const body = $('detail-body');
      clear(body);
      body.appendChild(deviceCard(d, true));
      $('detail').hidden = false;
      $('detail').scrollIntoView({ block: 'nearest' });
    } catch (e) {
      showError(e);
    }
  }

  /* --- loading ------------------------------------------------------------------ */

  function showError(e) {
    if (e instanceof AuthError) {
      $('auth').hidden = false;
      $('status').textContent = 'token needed';
      return;
    }
    $('error').textContent = String(e.message || e);
    $('error').hidden = false;
  }

  async function loadDevices() {
    try {
      const page = await api('/api/v1/devices' + query(Object.assign({}, state.filters,
        { limit: PAGE, offset: state.offset || undefined })));
      renderDevices(page);
    } catch (e) {
      showError(e);
    }
  }

  async function refresh() {
    if (state.busy) return;
    state.busy = true;
    try {
      const [health, summary] = await Promise.all([api('/api/v1/health'), api('/api/v1/summary' + query(scope()))]);
      document.body.classList.toggle('fleet', !!health.fleet);
      if (health.fleet) renderSites(await api('/api/v1/sites'));
      renderSummary(summary);
      await Promise.all([loadDevices(), renderFlagged()]);
      $('auth').hidden = true;
      $('error').hidden = true;
      $('version').textContent = 'herkomst ' + health.version + ' · ' + health.database +
        (health.fleet ? ` · fleet of ${health.sensors} sensors at ${health.sites} sites` : '');
      $('status').textContent = `${Object.keys(scope()).length ? summary.devices + ' of ' + health.devices : health.devices} devices · updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.loaded = 'true';
    } catch (e) {
      showError(e);
    } finally {
      state.busy = false;
    }
  }

  /* --- wiring ---------------------------------------------------------------------- */

  function debounce(fn, ms) {
    let t = null;
    return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
  }

  function wire() {
    for (const k of ['site', 'sensor', 'country', 'role', 'flagged'])
      $('f-' + k).addEventListener('change', (ev) => setFilter(k, ev.target.value));
    for (const k of ['manufacturer', 'q'])
      $('f-' + k).addEventListener('input', debounce((ev) => setFilter(k, ev.target.value.trim()), 300));
    $('filters').addEventListener('submit', (ev) => ev.preventDefault());
    $('f-reset').addEventListener('click', () => {
      const scoped = SCOPE.some((k) => state.filters[k]);
      state.filters = {};
      state.offset = 0;
      for (const k of FILTERS) $('f-' + k).value = '';
      writeUrl();
      if (scoped) refresh();
      else loadDevices();
    });
    $('prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - PAGE);
      writeUrl();
      loadDevices();
    });
    $('next').addEventListener('click', () => {
      state.offset += PAGE;
      writeUrl();
      loadDevices();
    });
    $('refresh').addEventListener('click', refresh);
    $('detail-close').addEventListener('click', () => {
      $('detail').hidden = true;
      state.device = null;
      writeUrl();
    });
    $('auth').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const t = $('token').value.trim();
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      $('token').value = '';
      refresh();
    });
  }

  readUrl();
  wire();
  refresh();
  if (state.device) showDevice(state.device);
  state.timer = setInterval(refresh, REFRESH_MS);
})();
