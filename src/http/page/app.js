// netif_exporter status page: reads /api/v1/* (docs/api.md) and draws it. Only this origin is
// ever asked (the Content-Security-Policy forbids anything else); every name from the API is set
// as text, never parsed as HTML.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const HISTORY_REFRESH_MS = 60000;  // the history has a point a minute
  const SLOW_REFRESH_MS = 15000;
  const SVG = 'http://www.w3.org/2000/svg';

  const state = {
    interfaces: [],
    history: new Map(),  // source + '\u0000' + id -> {rx_bps, tx_bps, utilization}
    sortKey: 'name',
    sortDescending: false,
    filterText: '',
    filterState: 'all',
    page: 0,
    pageSize: 100,
    lastEventSequence: 0,
    firstRender: null,
  };

  const $ = (id) => document.getElementById(id);

  // --- formatting -------------------------------------------------------------------------

  function formatBits(bps) {
    if (bps === null || bps === undefined) return '–';
    const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
    let value = bps;
    let unit = 0;
    while (Math.abs(value) >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    const digits = value >= 100 || unit === 0 ? 0 : value >= 10 ? 1 : 2;
    return value.toFixed(digits) + ' ' + units[unit];
  }

  function formatPercent(ratio) {
    if (ratio === null || ratio === undefined) return '–';
    const percent = ratio * 100;
    return (percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)) + ' %';
  }

  function formatRate(perSecond) {
    if (perSecond === null || perSecond === undefined) return '–';
    if (perSecond === 0) return '0';
    return perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toPrecision(2);
  }

  function formatTime(unixSeconds) {
    if (!unixSeconds) return '–';
    return new Date(unixSeconds * 1000).toLocaleTimeString();
  }

  function formatAge(unixSeconds, now) {
    if (!unixSeconds) return 'never';
    const age = Math.max(0, now - unixSeconds);
    if (age < 90) return age.toFixed(0) + ' s ago';
    if (age < 5400) return (age / 60).toFixed(0) + ' min ago';
    return (age / 3600).toFixed(1) + ' h ago';
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // --- data -------------------------------------------------------------------------------

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  function keyOf(item) {
    return item.source + '\u0000' + item.id;
  }

  // Down in a way that needs attention: "unknown" (loopback, many virtual devices) and "dormant"
  // are how working links often report, so they are not.
  const DOWN_STATES = new Set(['down', 'lowerlayerdown', 'notpresent']);
  function isDown(row) {
    return DOWN_STATES.has(row.oper) || row.admin_up === false;
  }

  function stateText(row) {
    const admin = row.admin_up === null ? '?' : row.admin_up ? 'up' : 'down';
    const oper = row.oper === null ? '?' : row.oper;
    const carrier = row.carrier === null ? '?' : row.carrier ? 'yes' : 'no';
    return { admin, oper, carrier };
  }

  function sortValue(row, key) {
    switch (key) {
      case 'state':
        return (isDown(row) ? '0' : row.oper === 'up' ? '2' : '1') + (row.oper || '');
      case 'anomaly':
        return row.anomaly.length ? (row.anomaly_score === null ? 1 : 1 + row.anomaly_score) : 0;
      case 'source':
      case 'name':
        return (row[key] || '').toLowerCase();
      default:
        return row[key] === null || row[key] === undefined ? -1 : row[key];
    }
  }

  function matchesState(row) {
    switch (state.filterState) {
      case 'up':
        return row.oper === 'up';
      case 'down':
        return isDown(row);
      case 'admin-down':
        return row.admin_up === false;
      case 'anomaly':
        return row.anomaly.length > 0;
      case 'errors':
        return (row.errors_per_second || 0) > 0 || (row.drops_per_second || 0) > 0;
      case 'flapping':
        return (row.flaps_1h || 0) > 0;
      default:
        return true;
    }
  }

  function visibleRows() {
    const text = state.filterText.toLowerCase();
    const rows = state.interfaces.filter((row) => {
      if (!matchesState(row)) return false;
      if (!text) return true;
      return (row.name + ' ' + (row.alias || '') + ' ' + row.source + ' ' + row.id).toLowerCase().includes(text);
    });
    const key = state.sortKey;
    const sign = state.sortDescending ? -1 : 1;
    rows.sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      if (x < y) return -sign;
      if (x > y) return sign;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    return rows;
  }

  // --- sparklines -------------------------------------------------------------------------

  // Points of one series as "x,y" runs; a missing minute breaks the line.
  function runsOf(values, scale, width, height) {
    const runs = [];
    let run = [];
    const step = width / (values.length - 1 || 1);
    values.forEach((value, i) => {
      if (value === null) {
        if (run.length) runs.push(run);
        run = [];
        return;
      }
      const y = height - 1 - (scale > 0 ? (value / scale) * (height - 2) : 0);
      run.push([i * step, y]);
    });
    if (run.length) runs.push(run);
    // A lone point is drawn as a short dash so it shows.
    return runs.map((points) =>
      points.length === 1 ? [[Math.max(0, points[0][0] - 6), points[0][1]], [points[0][0], points[0][1]]] : points);
  }

  function sparkline(history) {
    const width = 120;
    const height = 24;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    if (!history) {
      svg.setAttribute('aria-label', 'no history yet');
      return svg;
    }
    const rates = history.rx_bps.concat(history.tx_bps).filter((v) => v !== null);
    const peak = rates.length ? Math.max.apply(null, rates) : 0;
    const utilization = history.utilization.filter((v) => v !== null);
    const peakUtilization = utilization.length ? Math.max.apply(null, utilization) : null;
    svg.setAttribute('aria-label', 'last hour: peak ' + formatBits(peak) +
      (peakUtilization === null ? '' : ', peak utilization ' + formatPercent(peakUtilization)));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = svg.getAttribute('aria-label');
    svg.appendChild(title);
    if (peakUtilization !== null) {
      for (const run of runsOf(history.utilization, Math.max(1, peakUtilization), width, height)) {
        const area = document.createElementNS(SVG, 'polygon');
        const points = run.map((p) => p.join(',')).concat([run[run.length - 1][0] + ',' + height, run[0][0] + ',' + height]);
        area.setAttribute('points', points.join(' '));
        area.setAttribute('class', 'util');
        svg.appendChild(area);
      }
    }
    for (const [name, values] of [['rx', history.rx_bps], ['tx', history.tx_bps]]) {
      for (const run of runsOf(values, peak, width, height)) {
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', run.map((p) => p.map((n) => n.toFixed(1)).join(',')).join(' '));
        line.setAttribute('class', name);
        svg.appendChild(line);
      }
    }
    return svg;
  }

  // --- rendering --------------------------------------------------------------------------

  function renderRow(row) {
    const tr = document.createElement('tr');
    tr.dataset.source = row.source;
    tr.dataset.name = row.name;
    const down = isDown(row);
    if (down) tr.className = 'row-down';
    tr.appendChild(element('td', row.source));
    const name = element('th', row.name);
    name.scope = 'row';
    if (row.alias) name.appendChild(element('span', row.alias, 'alias'));
    tr.appendChild(name);
    const s = stateText(row);
    const stateCell = element('td', null);
    stateCell.appendChild(element('span', s.oper, down ? 'state-down' : ''));
    stateCell.appendChild(element('span', ' · admin ' + s.admin + ' · carrier ' + s.carrier, 'muted'));
    tr.appendChild(stateCell);
    tr.appendChild(element('td', formatBits(row.rx_bps), 'num'));
    tr.appendChild(element('td', formatBits(row.tx_bps), 'num'));
    tr.appendChild(element('td', formatPercent(row.utilization), 'num'));
    tr.appendChild(element('td', formatRate(row.errors_per_second), row.errors_per_second > 0 ? 'num bad' : 'num'));
    tr.appendChild(element('td', formatRate(row.drops_per_second), row.drops_per_second > 0 ? 'num bad' : 'num'));
    const anomaly = element('td', null);
    if (row.anomaly.length) anomaly.appendChild(element('span', row.anomaly.join(', '), 'anomaly'));
    tr.appendChild(anomaly);
    tr.appendChild(element('td', row.flaps_1h === null ? '–' : String(row.flaps_1h), row.flaps_1h > 0 ? 'num bad' : 'num'));
    const spark = element('td', null);
    spark.appendChild(sparkline(state.history.get(keyOf(row))));
    tr.appendChild(spark);
    return tr;
  }

  function renderInterfaces() {
    const rows = visibleRows();
    const pages = Math.max(1, Math.ceil(rows.length / state.pageSize));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * state.pageSize;
    const fragment = document.createDocumentFragment();
    for (const row of rows.slice(start, start + state.pageSize)) fragment.appendChild(renderRow(row));
    $('interface-rows').replaceChildren(fragment);
    $('row-count').textContent = rows.length + ' of ' + state.interfaces.length + ' interfaces';
    $('page-info').textContent = rows.length
      ? 'rows ' + (start + 1) + '–' + Math.min(rows.length, start + state.pageSize) + ' of ' + rows.length + ' (page ' + (state.page + 1) + ' of ' + pages + ')'
      : 'no matching interface';
    $('page-prev').disabled = state.page === 0;
    $('page-next').disabled = state.page >= pages - 1;
    for (const th of document.querySelectorAll('#interfaces th[data-key]')) {
      if (th.dataset.key === state.sortKey) {
        th.setAttribute('aria-sort', state.sortDescending ? 'descending' : 'ascending');
      } else {
        th.removeAttribute('aria-sort');
      }
    }
  }

  function renderEvents(events) {
    const list = $('events');
    const fresh = events.filter((e) => e.sequence > state.lastEventSequence);
    for (const event of fresh) {
      const item = document.createElement('li');
      item.dataset.kind = event.kind;
      item.dataset.name = event.name;
      const time = element('time', formatTime(event.unix_seconds));
      time.dateTime = new Date(event.unix_seconds * 1000).toISOString();
      item.appendChild(time);
      const where = event.source === 'local' ? event.name : event.source + ' ' + event.name;
      item.appendChild(element('strong', where));
      if (event.kind === 'link') {
        const bad = event.to !== 'up';
        item.appendChild(document.createTextNode(' link ' + (event.from || '?') + ' → '));
        item.appendChild(element('span', event.to, bad ? 'state-down' : ''));
      } else {
        item.appendChild(document.createTextNode(' anomaly '));
        item.appendChild(element('span', event.to ? event.to + ' started' : event.from + ' ended',
                                 event.to ? 'anomaly' : ''));
      }
      list.insertBefore(item, list.firstChild);
      state.lastEventSequence = event.sequence;
    }
    while (list.children.length > 200) list.removeChild(list.lastChild);
    $('events-empty').hidden = list.children.length > 0;
  }

  function renderTargets(data) {
    const fragment = document.createDocumentFragment();
    for (const target of data.targets) {
      const tr = document.createElement('tr');
      const name = element('th', target.name);
      name.scope = 'row';
      tr.appendChild(name);
      const up = target.up === true;
      tr.appendChild(element('td', target.up === null ? '?' : up ? 'up' : 'down', up ? '' : 'state-down'));
      tr.appendChild(element('td', formatAge(target.last_success_unix_seconds, data.generated_unix_seconds)));
      tr.appendChild(element('td', target.poll_duration_seconds === null ? '–' : (target.poll_duration_seconds * 1000).toFixed(0) + ' ms', 'num'));
      tr.appendChild(element('td', target.interfaces === null ? '–' : String(target.interfaces), 'num'));
      const errors = Object.entries(target.errors).filter(([, count]) => count > 0);
      tr.appendChild(element('td', errors.length ? errors.map(([kind, count]) => kind + ' ' + count).join(', ') : '0',
                             errors.length ? 'bad' : ''));
      fragment.appendChild(tr);
    }
    $('target-rows').replaceChildren(fragment);
    $('targets-empty').hidden = data.targets.length > 0;
    $('targets').hidden = data.targets.length === 0;
  }

  function renderPairs(id, pairs) {
    const fragment = document.createDocumentFragment();
    for (const pair of pairs) {
      fragment.appendChild(element('dt', pair.name));
      fragment.appendChild(element('dd', pair.value));
    }
    $(id).replaceChildren(fragment);
  }

  function setStatus(text, error) {
    const status = $('status');
    status.textContent = text;
    status.className = error ? 'error' : '';
  }

  // --- refresh loops ----------------------------------------------------------------------

  async function refreshInterfaces() {
    try {
      const [interfaces, events] = await Promise.all([getJson('api/v1/interfaces'), getJson('api/v1/events')]);
      state.interfaces = interfaces.interfaces;
      renderInterfaces();
      renderEvents(events.events);
      setStatus('Updated ' + formatTime(interfaces.generated_unix_seconds), false);
      if (state.firstRender === null) {
        state.firstRender = performance.now();
        document.body.dataset.firstRenderMs = state.firstRender.toFixed(0);
      }
    } catch (error) {
      setStatus('Update failed: ' + error.message, true);
    }
  }

  async function refreshHistory() {
    try {
      const data = await getJson('api/v1/history');
      const history = new Map();
      for (const item of data.interfaces) history.set(keyOf(item), item);
      state.history = history;
      renderInterfaces();
      document.body.dataset.historyLoaded = 'true';
    } catch (error) {
      setStatus('History failed: ' + error.message, true);
    }
  }

  async function refreshSlow() {
    try {
      const [targets, status] = await Promise.all([getJson('api/v1/targets'), getJson('api/v1/status')]);
      renderTargets(targets);
      renderPairs('build', status.build);
      renderPairs('config', status.config);
    } catch (error) {
      setStatus('Update failed: ' + error.message, true);
    }
  }

  function every(milliseconds, task) {
    const run = async () => {
      await task();
      setTimeout(run, milliseconds);
    };
    return run();
  }

  function wireControls() {
    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('filter-text').addEventListener('input', (event) => {
      state.filterText = event.target.value;
      state.page = 0;
      renderInterfaces();
    });
    $('filter-state').addEventListener('change', (event) => {
      state.filterState = event.target.value;
      state.page = 0;
      renderInterfaces();
    });
    $('page-size').addEventListener('change', (event) => {
      state.pageSize = Number(event.target.value);
      state.page = 0;
      renderInterfaces();
    });
    $('page-prev').addEventListener('click', () => {
      state.page = Math.max(0, state.page - 1);
      renderInterfaces();
    });
    $('page-next').addEventListener('click', () => {
      state.page++;
      renderInterfaces();
    });
    for (const th of document.querySelectorAll('#interfaces th[data-key]')) {
      th.querySelector('button').addEventListener('click', () => {
        const key = th.dataset.key;
        if (state.sortKey === key) {
          state.sortDescending = !state.sortDescending;
        } else {
          state.sortKey = key;
          // Names read best A to Z; numbers and states most-first.
          state.sortDescending = !(key === 'name' || key === 'source' || key === 'state');
        }
        renderInterfaces();
      });
    }
  }

  wireControls();
  every(REFRESH_MS, refreshInterfaces).then(() => every(HISTORY_REFRESH_MS, refreshHistory));
  every(SLOW_REFRESH_MS, refreshSlow);
})();
