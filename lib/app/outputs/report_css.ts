/**
 * The report's style sheet, inlined in its `<style>`: system fonts only (nothing fetched), readable
 * from 1200 px wide, and printable (colours kept, rows never split across pages).
 */
export const REPORT_CSS = `
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --grid: #eef1f4; --paper: #fff;
  --run: #2f6fd0; --wait: #9cc0f0; --bad: #c62828; --bad-light: #f2b8b5; --ok: #1a7f37;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0 auto; padding: 24px 32px 48px; max-width: 1600px; color: var(--ink);
  background: var(--paper); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 10px 0 0; padding: 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.verdict { display: inline-block; padding: 0 10px; border-radius: 10px; }
dd .verdict.run-succeeded { color: #fff; background: var(--ok); }
dd .verdict:not(.run-succeeded) { color: #fff; background: var(--bad); }
.why { margin: 10px 0 0; }
.gantt {
  display: grid; grid-template-columns: minmax(140px, max-content) minmax(420px, 1fr)
    minmax(180px, max-content); border: 1px solid var(--line); border-radius: 6px;
}
.gantt .row { display: contents; }
.gantt .row > div { padding: 5px 10px; border-top: 1px solid var(--grid); }
.gantt .axis-row > div { border-top: 0; border-bottom: 1px solid var(--line); }
.step-label {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px;
  overflow-wrap: anywhere; max-width: 360px;
}
.track {
  position: relative; min-height: 26px;
  background-image: linear-gradient(to right, var(--grid) 1px, transparent 1px);
  background-size: var(--tick) 100%; background-repeat: repeat-x;
}
.gantt .row > .track { padding: 0; }
.axis { position: relative; height: 26px; }
.tick {
  position: absolute; top: 5px; transform: translateX(-50%); font-size: 11.5px;
  color: var(--muted); white-space: nowrap;
}
.tick:first-child { transform: none; }
.bar {
  position: absolute; top: 5px; height: 16px; min-width: 2px; border-radius: 2px;
}
.bar-running { background: var(--run); }
.bar-waiting {
  background: repeating-linear-gradient(135deg, var(--wait) 0 4px, #e3eefc 4px 8px);
  border: 1px solid var(--wait);
}
.bar-running.bar-trouble { background: var(--bad); }
.bar-waiting.bar-trouble {
  background: repeating-linear-gradient(135deg, var(--bad-light) 0 4px, #fbe9e7 4px 8px);
  border-color: var(--bad);
}
.outcome { white-space: nowrap; font-size: 13px; }
.outcome .took { font-variant-numeric: tabular-nums; }
.outcome .waited { color: var(--muted); }
.mark { font-weight: 600; color: var(--bad); }
.mark-running { color: var(--run); }
.row.outcome-failed .step-label, .row.outcome-timed_out .step-label,
.row.outcome-stopped .step-label { color: var(--bad); font-weight: 600; }
.axis-note, .legend, caption { color: var(--muted); font-size: 12.5px; }
caption { text-align: left; padding: 0 0 6px; }
.legend .swatch {
  display: inline-block; position: static; width: 22px; height: 12px; margin: 0 4px 0 12px;
  vertical-align: -1px; border-radius: 2px;
}
.legend .swatch:first-child { margin-left: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-top: 1px solid var(--grid); }
thead th { border-top: 0; border-bottom: 1px solid var(--line); color: var(--muted);
  font-weight: 600; }
tbody th { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; font-weight: 400; overflow-wrap: anywhere; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.slower { color: var(--bad); font-weight: 600; }
.sparkline { display: block; }
.sparkline path { fill: none; stroke: var(--run); stroke-width: 1.5; }
.sparkline .spark-now { fill: var(--ink); }
.sparkline .spark-trouble { fill: var(--bad); }
tr.current { background: #f3f7fd; }
.run-succeeded { color: var(--ok); }
.run-failed, .run-timed_out, .run-interrupted, .run-error { color: var(--bad); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
.empty { color: var(--muted); }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .gantt .row > div, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;
