// The small page at /docs: it asks for a token (kept in this tab only), reads /openapi.json with it
// and lists every operation with its parameters, scope and answers. No external script or style.
export function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mp REST API</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code,pre{font:13px ui-monospace,monospace}
h2{margin-top:2rem;border-bottom:1px solid #ccc}.op{margin:.6rem 0;padding:.4rem .6rem;border-left:4px solid #88a}.m{font-weight:bold;display:inline-block;width:4.5rem}
.p{color:#555;margin-left:4.5rem}</style></head>
<body><h1>mp REST API</h1>
<p>Every request but <code>/healthz</code> needs <code>Authorization: Bearer &lt;token&gt;</code>: create one with
<code>mp serve token create --name NAME --scope read</code>. Errors are <code>application/problem+json</code> with the command line's <code>code</code>.
The machine-readable document is <code>/openapi.json</code> (OpenAPI 3.1).</p>
<form id="f"><label>Token <input id="t" type="password" size="50" autocomplete="off"></label> <button>Show the operations</button></form>
<div id="out"></div>
<script>
const out = document.getElementById('out');
const t = document.getElementById('t');
t.value = sessionStorage.getItem('mp-token') || '';
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault();
  sessionStorage.setItem('mp-token', t.value);
  const res = await fetch('/openapi.json', { headers: { authorization: 'Bearer ' + t.value } });
  const doc = await res.json();
  if (!res.ok) { out.textContent = doc.detail || res.statusText; return; }
  out.textContent = '';
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) (byTag[op.tags[0]] ||= []).push({ path, method, op });
  for (const [tag, ops] of Object.entries(byTag)) {
    const h = document.createElement('h2'); h.textContent = tag; out.append(h);
    for (const { path, method, op } of ops) {
      const d = document.createElement('div'); d.className = 'op';
      const scope = (op.security[0] || {}).bearer;
      const params = (op.parameters || []).map((p) => p.name + (p.required ? '*' : '')).join(', ');
      d.innerHTML = '<span class="m"></span><code></code> <span class="s"></span><div class="p"></div>';
      d.children[0].textContent = method.toUpperCase();
      d.children[1].textContent = path;
      d.children[2].textContent = '— ' + op.summary + (scope ? ' [' + scope.join(',') + ']' : ' [no token]');
      d.children[3].textContent = (params ? 'parameters: ' + params + '. ' : '') + 'answers: ' + Object.keys(op.responses).join(', ');
      out.append(d);
    }
  }
};
</script></body></html>
`;
}
