// The dashboard's HTML shell: a form to create a cluster and a region the client script
// (dashboard-client.ts, served as /dashboard.js) fills with live clusters. No external
// resources: the page works on a machine with no network.

/** What the page shows before its script runs. */
export interface PageOptions {
  /** The charm every cluster deploys. */
  readonly charm: string;
  /** The clusters now, listed for readers without JavaScript (the script renders them live). */
  readonly clusters: readonly {
    readonly name: string;
    readonly phase: string;
    readonly units: number;
  }[];
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `
:root { color-scheme: light; --fg:#1d2430; --muted:#5b6675; --line:#d6dbe2; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --accent:#0b5cad; --bg:#f6f8fa; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { padding: 16px 24px; background:#fff; border-bottom:1px solid var(--line); display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
header h1 { font-size:20px; margin:0; }
header p { margin:0; color:var(--muted); }
main { padding: 16px 24px; display:grid; gap:16px; }
section, article.cluster { background:#fff; border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
h2 { font-size:16px; margin:0 0 10px; }
h3 { font-size:17px; margin:0; display:flex; gap:10px; align-items:center; }
form.create { display:flex; flex-wrap:wrap; gap:10px 16px; align-items:flex-end; }
form.create div { display:flex; flex-direction:column; gap:3px; }
label { font-weight:600; font-size:12px; color:var(--muted); }
input { font:inherit; padding:5px 8px; border:1px solid #b7c0cc; border-radius:5px; min-width:8em; }
input[name=size] { min-width: 22em; font-family: ui-monospace, monospace; font-size:12px; }
button { font:inherit; padding:5px 12px; border-radius:5px; border:1px solid #9aa6b4; background:#f3f5f8; cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { border-color:var(--bad); color:var(--bad); background:#fff; }
button:focus-visible, input:focus-visible { outline:3px solid #7fb2ec; outline-offset:1px; }
.badge { font-size:12px; font-weight:600; padding:1px 8px; border-radius:10px; border:1px solid currentColor; }
.phase-converged, .st-active { color:var(--ok); }
.phase-converging, .phase-deploying, .st-maintenance, .st-waiting { color:var(--warn); }
.phase-error, .phase-deleting, .st-blocked, .st-error { color:var(--bad); }
dl.facts { display:flex; flex-wrap:wrap; gap:4px 28px; margin:10px 0; }
dl.facts div { display:flex; gap:6px; } dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; font-weight:600; white-space:nowrap; }
.controls { display:flex; flex-wrap:wrap; gap:8px; align-items:center; margin:8px 0 12px; }
.controls form { display:flex; gap:6px; align-items:center; }
.units { display:grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap:12px; list-style:none; padding:0; margin:0; }
.unit { border:1px solid var(--line); border-radius:6px; padding:10px; display:flex; flex-direction:column; gap:6px; }
.unit h4 { margin:0; font-size:15px; display:flex; gap:6px; align-items:center; flex-wrap:wrap; }
.role { font-size:11px; text-transform:uppercase; letter-spacing:.04em; padding:0 6px; border-radius:4px; background:#e7eefb; color:var(--accent); }
.role.primary { background:#e6f4ea; color:var(--ok); }
.status { margin:0; }
.flags { display:flex; flex-wrap:wrap; gap:3px; margin:0; padding:0; list-style:none; }
.flags li { font: 11px ui-monospace, monospace; background:#f1f3f6; border-radius:3px; padding:0 4px; }
.timeline { margin:0; padding:0 0 0 2px; list-style:none; max-height:220px; overflow:auto; font: 12px ui-monospace, monospace; border-top:1px dashed var(--line); }
.timeline li { padding:1px 0; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.timeline li.failed { color:var(--bad); }
.timeline .seq { color:var(--muted); display:inline-block; min-width:3.5em; }
.pending { color:var(--warn); font-size:12px; margin:0; }
.muted { color:var(--muted); }
#create-result { margin-top:8px; font-weight:600; }
#create-result.error { color:var(--bad); }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
`;

/** The page. */
export function dashboardPage(options: PageOptions): string {
  const charm = escapeHtml(options.charm);
  const listed = options.clusters
    .map((c) => {
      const name = escapeHtml(c.name);
      return `<li><a href="/clusters/${name}">${name}</a>: ${escapeHtml(c.phase)}, ${c.units} unit${c.units === 1 ? '' : 's'}</li>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>juju-reactive serve: ${charm}</title>
<style>${STYLE}</style>
<script type="module" src="/dashboard.js"></script>
</head>
<body>
<header>
  <h1>juju-reactive serve</h1>
  <p>Simulated deployments of the <code>${charm}</code> charm, with Mysos' cluster API.</p>
  <p id="connection" role="status" aria-live="polite">Connecting to the event stream…</p>
</header>
<main>
  <section aria-labelledby="create-heading">
    <h2 id="create-heading">Create a cluster</h2>
    <form class="create" id="create-form">
      <div><label for="create-name">Cluster name</label>
        <input id="create-name" name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_\\-]{0,62}" autocomplete="off"></div>
      <div><label for="create-user">Cluster user</label>
        <input id="create-user" name="cluster_user" required value="mysos" autocomplete="off"></div>
      <div><label for="create-nodes">Number of nodes</label>
        <input id="create-nodes" name="num_nodes" type="number" min="1" max="64" value="3"></div>
      <div><label for="create-size">Size (JSON)</label>
        <input id="create-size" name="size" value='{"mem": "512mb", "disk": "2gb", "cpus": 1.0}'></div>
      <button class="primary" type="submit">Create cluster</button>
    </form>
    <p id="create-result" role="status" aria-live="polite"></p>
  </section>
  <section aria-labelledby="clusters-heading">
    <h2 id="clusters-heading">Clusters</h2>
    <p id="no-clusters" class="muted"${options.clusters.length > 0 ? ' hidden' : ''}>No clusters yet.</p>
    <noscript><ul>${listed}</ul><p>Turn on JavaScript for the live view and the controls.</p></noscript>
    <div id="clusters"></div>
  </section>
</main>
</body>
</html>
`;
}
