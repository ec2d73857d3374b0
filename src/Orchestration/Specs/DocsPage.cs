using System.Net;

namespace Orchestration.Specs;

/// <summary>
/// The deployment's docs page (<c>/api/docs</c> through the gateway): no CDN (machines may be
/// offline), it loads <c>openapi.json</c> and <c>asyncapi.json</c> next to it and lists every
/// operation and every WebSocket message.
/// </summary>
internal static class DocsPage
{
    public static string Html(string deployment) => Template.Replace("{{title}}", WebUtility.HtmlEncode(deployment), StringComparison.Ordinal);

    private const string Template = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{title}}: API docs</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
          table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
          th, td { border: 1px solid #ccc; padding: .35rem .6rem; text-align: left; vertical-align: top; }
          th { background: #f3f3f3; }
          .m { font-weight: bold; text-transform: uppercase; }
        </style>
        </head>
        <body>
        <h1>{{title}}: every module</h1>
        <p>Written by Orchestration from <a href="openapi.json">openapi.json</a> (REST) and <a href="asyncapi.json">asyncapi.json</a> (WebSocket).</p>
        <h2>REST</h2>
        <table>
          <thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Parameters</th><th>Request</th><th>Responses</th></tr></thead>
          <tbody id="rest"><tr><td colspan="6">Loading…</td></tr></tbody>
        </table>
        <h2>WebSocket</h2>
        <table>
          <thead><tr><th>Socket</th><th>Direction</th><th>Message type</th><th>Summary</th></tr></thead>
          <tbody id="ws"><tr><td colspan="4">Loading…</td></tr></tbody>
        </table>
        <script>
        const cell = (row, text, cls) => { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; };
        const schemaName = s => !s ? '' : s.$ref ? s.$ref.split('/').pop() : s.type === 'array' && s.items ? schemaName(s.items) + '[]' : (s.type || '');
        const body = c => Object.values(c || {}).map(m => schemaName(m.schema)).join(', ');
        fetch('openapi.json').then(r => r.json()).then(doc => {
          const rows = document.getElementById('rest'); rows.innerHTML = '';
          for (const [path, item] of Object.entries(doc.paths || {}))
            for (const [method, op] of Object.entries(item)) {
              if (typeof op !== 'object' || !op.responses) continue;
              const row = rows.insertRow();
              cell(row, method, 'm'); cell(row, path); cell(row, op.summary || '');
              cell(row, (op.parameters || []).map(p => p.name + ' (' + p.in + ')').join(', '));
              cell(row, op.requestBody ? body(op.requestBody.content) : '');
              cell(row, Object.entries(op.responses).map(([code, r]) => code + (r.content ? ' ' + body(r.content) : '')).join('; '));
            }
        }).catch(e => { document.getElementById('rest').innerHTML = '<tr><td colspan="6">openapi.json: ' + e + '</td></tr>'; });
        fetch('asyncapi.json').then(r => r.json()).then(doc => {
          const rows = document.getElementById('ws'); rows.innerHTML = '';
          const resolve = ref => ref.replace(/^#\//, '').split('/').reduce((o, k) => o && o[k], doc);
          for (const [name, op] of Object.entries(doc.operations || {}))
            for (const ref of op.messages || []) {
              const message = resolve(ref.$ref); const target = message && message.$ref ? resolve(message.$ref) : message;
              const channel = resolve(op.channel.$ref);
              const row = rows.insertRow();
              cell(row, channel ? channel.address : op.channel.$ref); cell(row, op.action === 'send' ? 'client → server' : 'server → client');
              cell(row, target ? target.name : ref.$ref); cell(row, op.summary || '');
            }
        }).catch(e => { document.getElementById('ws').innerHTML = '<tr><td colspan="4">asyncapi.json: ' + e + '</td></tr>'; });
        </script>
        </body>
        </html>

        """;
}
