import SortieKit
/// The launcher page served at `/`.
enum WebPage {
    /// Catalog, the caller's sessions (refreshed every 2 s), launch/end buttons, and a viewer
    /// link to noVNC's `vnc_lite.html` (served under `/novnc/`) pointed at the session's
    /// `websocket_url`. In token mode the token is kept in `localStorage` and sent as a bearer token.
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Sortie</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
    h1{font-size:1.4rem} table{border-collapse:collapse;width:100%} td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}
    button{cursor:pointer} .status-running{color:#080} .status-failed{color:#b00} #error{color:#b00}
    </style></head><body>
    <h1>Sortie</h1>
    <p><label>Token <input id="token" type="password" size="30" placeholder="bearer token (if required)"></label>
    <button id="save">Use</button> <span id="error"></span></p>
    <h2>Applications</h2><table id="apps"><tbody></tbody></table>
    <h2>Your sessions</h2><table id="sessions"><thead><tr><th>App</th><th>Status</th><th>Created</th><th></th></tr></thead><tbody></tbody></table>
    <script>
    const $ = s => document.querySelector(s);
    $('#token').value = localStorage.getItem('sortie-token') || '';
    $('#save').onclick = () => { localStorage.setItem('sortie-token', $('#token').value); refresh(); };
    async function api(method, path, body) {
      const headers = {'Content-Type': 'application/json'};
      const token = localStorage.getItem('sortie-token');
      if (token) headers['Authorization'] = 'Bearer ' + token;
      const r = await fetch(path, {method, headers, body: body ? JSON.stringify(body) : undefined});
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(data.message || r.statusText);
      $('#error').textContent = '';
      return data;
    }
    function cell(row, text) { const td = row.insertCell(); td.textContent = text; return td; }
    function viewer(s) {
      const path = s.websocket_url.replace(/^\//, '');
      return '/novnc/vnc_lite.html?autoconnect=true&host=' + location.hostname + '&port=' + (location.port || (location.protocol === 'https:' ? 443 : 80))
        + '&encrypt=' + (location.protocol === 'https:' ? 1 : 0) + '&path=' + encodeURIComponent(path);
    }
    async function loadApps() {
      const body = $('#apps tbody'); body.innerHTML = '';
      for (const app of await api('GET', '/api/apps')) {
        const row = body.insertRow(); cell(row, app.name); cell(row, app.description);
        const td = row.insertCell(); const b = document.createElement('button');
        if (app.launch_type === 'container') { b.textContent = 'Launch'; b.onclick = () => api('POST', '/api/sessions', {app_id: app.id}).then(refresh, e => $('#error').textContent = e.message); }
        else { b.textContent = 'Open'; b.onclick = () => window.open(app.url); }
        td.appendChild(b);
      }
    }
    async function loadSessions() {
      const body = $('#sessions tbody'); body.innerHTML = '';
      for (const s of await api('GET', '/api/sessions')) {
        const row = body.insertRow(); row.dataset.id = s.id; cell(row, s.app_name);
        cell(row, s.status + (s.reason ? ' (' + s.reason + ')' : '')).className = 'status-' + s.status;
        cell(row, s.created_at);
        const td = row.insertCell();
        if (s.status === 'running') { const a = document.createElement('a'); a.href = viewer(s); a.target = '_blank'; a.textContent = 'View'; td.appendChild(a); td.append(' '); }
        if (s.status !== 'terminating') { const b = document.createElement('button'); b.textContent = 'End'; b.onclick = () => api('DELETE', '/api/sessions/' + s.id).then(refresh); td.appendChild(b); }
      }
    }
    async function refresh() { try { await Promise.all([loadApps(), loadSessions()]); } catch (e) { $('#error').textContent = e.message; } }
    refresh(); setInterval(() => loadSessions().catch(e => $('#error').textContent = e.message), 2000);
    </script></body></html>
    """#

    static func contentType(for path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "ico": "image/x-icon"
        case "woff": "font/woff"
        case "woff2": "font/woff2"
        case "ogg": "audio/ogg"
        case "mp3": "audio/mpeg"
        default: "application/octet-stream"
        }
    }
}
