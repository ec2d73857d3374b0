namespace TradingApi.Core;

/// <summary>
/// A self-contained page (no CDN: machines may be offline) that fetches <c>openapi.json</c>
/// next to it and renders one table row per path and method.
/// </summary>
internal static class DocsPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>TradingApi docs</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
          table { border-collapse: collapse; width: 100%; }
          th, td { border: 1px solid #ccc; padding: .35rem .6rem; text-align: left; vertical-align: top; }
          th { background: #f3f3f3; }
          code { font-size: .95em; }
          .m { font-weight: bold; text-transform: uppercase; }
        </style>
        </head>
        <body>
        <h1 id="title">TradingApi</h1>
        <p>Rendered from <a href="openapi.json">openapi.json</a>. WebSocket protocol: see docs/tradingapi.md.</p>
        <table>
          <thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Parameters</th><th>Tag</th></tr></thead>
          <tbody id="rows"><tr><td colspan="5">Loading…</td></tr></tbody>
        </table>
        <script>
        fetch('openapi.json').then(r => r.json()).then(doc => {
          document.getElementById('title').textContent = (doc.info && doc.info.title || 'API') + ' ' + (doc.info && doc.info.version || '');
          const rows = [];
          for (const [path, item] of Object.entries(doc.paths || {})) {
            for (const [method, op] of Object.entries(item)) {
              if (typeof op !== 'object' || !op || method === 'parameters') continue;
              const params = (op.parameters || []).map(p => p.name + ' (' + p.in + ')');
              if (op.requestBody) params.push('JSON body');
              rows.push([method, path, op.summary || '', params.join(', '), (op.tags || []).join(', ')]);
            }
          }
          const body = document.getElementById('rows');
          body.textContent = '';
          for (const r of rows) {
            const tr = document.createElement('tr');
            r.forEach((v, i) => {
              const td = document.createElement('td');
              if (i === 0) td.className = 'm';
              if (i === 1) { const c = document.createElement('code'); c.textContent = v; td.appendChild(c); } else td.textContent = v;
              tr.appendChild(td);
            });
            body.appendChild(tr);
          }
        }).catch(e => { document.getElementById('rows').innerHTML = '<tr><td colspan="5">Could not load openapi.json: ' + e + '</td></tr>'; });
        </script>
        </body>
        </html>
        """;
}
