/**
 * The HTML report in a real browser: headless Chromium loads the file (offline, its CSP forbidding
 * any fetch), and a measuring page beside it reads the rendered DOM: every step's row, its whole
 * label, its waiting and running bars where the times put them, the failed mark, the axis and the
 * sparklines, at 1200 px wide. Then a screenshot. Skipped, saying why, where Chromium is not
 * installed (`.ci/run` installs Debian's `chromium`).
 *
 * `REPORT_PNG=examples/report.png deno test -A tests/report_browser_test.ts` keeps the screenshot
 * (the README's picture).
 */
import assert from "node:assert/strict";
import type { RunRecord } from "../lib/app/history/record.ts";
import { reportHtml } from "../lib/app/outputs/report_html.ts";
import { dumpDom, findChromium, pngSize, screenshot } from "./_chromium.ts";
import { standardNights } from "./_history_records.ts";

const browser = await findChromium();
const WIDTH = 1200;

/** What the measuring page reads from the report's rendered DOM. */
interface Measured {
  rows: {
    step: string;
    outcome: string;
    label: string;
    labelWhole: boolean;
    track: Box;
    bars: { segment: string; trouble: boolean; box: Box; color: string; image: string }[];
    mark: string | null;
  }[];
  ticks: { text: string; x: number }[];
  sparklines: { step: string; w: number; path: boolean }[];
  scrollWidth: number;
  scrollHeight: number;
  tags: { img: number; script: number; iframe: number };
}
interface Box {
  x: number;
  w: number;
}

/** The script of the measuring page: reads each frame's rendered report into plain data. */
const MEASURE_SCRIPT = `
const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, w: r.width }; };
function measure(doc) {
  const style = (el) => doc.defaultView.getComputedStyle(el);
  const rows = [...doc.querySelectorAll(".gantt .row[data-step]")].map((row) => {
    const label = row.querySelector(".step-label");
    return {
      step: row.dataset.step, outcome: row.dataset.outcome, label: label.textContent,
      labelWhole: label.scrollWidth <= label.clientWidth + 1,
      track: box(row.querySelector(".track")),
      bars: [...row.querySelectorAll("[data-segment]")].map((b) => ({
        segment: b.dataset.segment, trouble: b.classList.contains("bar-trouble"), box: box(b),
        color: style(b).backgroundColor, image: style(b).backgroundImage,
      })),
      mark: row.querySelector("[data-mark]")?.textContent ?? null,
    };
  });
  const count = (tag) => doc.querySelectorAll(tag).length;
  return {
    rows,
    ticks: [...doc.querySelectorAll(".tick")].map((t) => ({ text: t.textContent, x: box(t).x })),
    sparklines: [...doc.querySelectorAll("svg[data-sparkline]")].map((s) => ({
      step: s.dataset.sparkline, w: box(s).w, path: s.querySelector("path") !== null,
    })),
    scrollWidth: doc.documentElement.scrollWidth,
    scrollHeight: doc.documentElement.scrollHeight,
    tags: { img: count("img"), script: count("script"), iframe: count("iframe") },
  };
}
const results = {};
const frames = [...document.querySelectorAll("iframe")];
for (const frame of frames) {
  frame.addEventListener("load", () => {
    try {
      results[frame.dataset.name] = measure(frame.contentDocument);
    } catch (e) {
      results[frame.dataset.name] = "ERROR " + e;
    }
    if (Object.keys(results).length === frames.length) {
      document.getElementById("result").textContent = JSON.stringify(results);
    }
  });
}`;

/** A page that loads each report in a 1200 px frame and writes what it measured into its DOM. */
const measuringPage = (files: string[]) =>
  `<!DOCTYPE html><html><body style="margin:0">${
    files.map((f) =>
      `<iframe data-name="${f}" src="${f}" style="width:${WIDTH}px;height:1600px;border:0">` +
      `</iframe>`
    ).join("")
  }<pre id="result">pending</pre><script>${MEASURE_SCRIPT}</script></body></html>`;

/** The measuring page's results, from the dumped DOM. */
function resultsOf(dom: string): Record<string, Measured> {
  const text = dom.match(/<pre id="result">([^]*?)<\/pre>/)?.[1] ?? "";
  const json = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&nbsp;/g, "\u00a0").replace(/&amp;/g, "&");
  if (!json.startsWith("{")) throw new Error(`the measuring page said: ${json.slice(0, 500)}`);
  const results = JSON.parse(json) as Record<string, Measured | string>;
  for (const [name, r] of Object.entries(results)) {
    if (typeof r === "string") throw new Error(`measuring ${name}: ${r}`);
  }
  return results as Record<string, Measured>;
}

/** An id that looks like HTML. */
const EVIL = `<img src=x onerror="alert(1)"><script>alert(2)</script>&amp;`;

/** What both tests look at: a week of nights, the last failed, and their reports in a browser. */
interface Loaded {
  dir: string;
  nights: RunRecord[];
  seen: Record<string, Measured>;
}

/**
 * The reports written in a folder of their own (the last night's, and the first night's with its
 * first id swapped for EVIL) and what one headless Chromium saw of them: one launch for both, as
 * the browser is slow to start on a small machine. Made once, for both tests.
 */
let loaded: Promise<Loaded> | undefined;
const load = () =>
  loaded ??= (async () => {
    const nights = await standardNights(7, { failLast: true });
    const first = nights[0]!;
    const evil: RunRecord = {
      ...first,
      timeline: first.timeline.map((t, i) =>
        i === 0 ? { ...t, target: EVIL, step: `load:${EVIL}` } : t
      ),
    };
    const dir = await Deno.makeTempDir({ prefix: "tamr-refresh-browser-" });
    // Should only one of the two tests run (--filter), the folder still goes at the end.
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    });
    await Deno.writeTextFile(`${dir}/report.html`, reportHtml(nights.at(-1)!, nights));
    await Deno.writeTextFile(`${dir}/evil.html`, reportHtml(evil, [evil]));
    await Deno.writeTextFile(`${dir}/measure.html`, measuringPage(["report.html", "evil.html"]));
    const dom = await dumpDom(browser!, `file://${dir}/measure.html`, {
      width: WIDTH + 20,
      height: 1800,
      fileAccess: true,
    });
    return { dir, nights, seen: resultsOf(dom) };
  })();

/** Removes the reports' folder once both tests are done with it. */
let users = 2;
async function release(dir: string): Promise<void> {
  if (--users === 0) await Deno.remove(dir, { recursive: true });
}

const RUNNING = "rgb(47, 111, 208)"; // --run
const TROUBLE = "rgb(198, 40, 40)"; // --bad
const ms = (t: string | null) => Date.parse(t!);

Deno.test({
  name: browser === null
    ? "report in headless Chromium (skipped: chromium is not installed; .ci/run installs it)"
    : "the report renders in headless Chromium: each step's whole label, its bars, the failed mark",
  ignore: browser === null,
  async fn() {
    const { dir, nights, seen: all } = await load();
    try {
      const run = nights.at(-1)!;
      const seen = all["report.html"]!;
      assert.deepEqual(seen.tags, { img: 0, script: 0, iframe: 0 });
      assert.ok(
        seen.scrollWidth <= WIDTH,
        `no sideways scrolling at ${WIDTH} px: ${seen.scrollWidth}`,
      );
      // One row per step, in the run's order, each labelled with its whole id.
      assert.deepEqual(seen.rows.map((r) => r.step), run.timeline.map((t) => t.step));
      const start = Math.min(...run.timeline.map((t) => ms(t.createdAt)));
      const end = Math.max(...run.timeline.map((t) => ms(t.endedAt)));
      for (const [i, row] of seen.rows.entries()) {
        const t = run.timeline[i]!;
        assert.equal(row.label, t.step);
        assert.ok(row.labelWhole, `${t.step}: its label shows whole`);
        assert.equal(row.outcome, t.outcome);
        // A hatched wait, then a solid run, where the times put them (within 2 px).
        const [wait, running] = row.bars;
        assert.deepEqual(row.bars.map((b) => b.segment), ["waiting", "running"], t.step);
        assert.match(wait!.image, /repeating-linear-gradient/);
        const x = (time: string | null) =>
          row.track.x + (ms(time) - start) / (end - start) * row.track.w;
        assert.ok(Math.abs(wait!.box.x - x(t.createdAt)) < 2, `${t.step} wait starts at creation`);
        assert.ok(Math.abs(running!.box.x - x(t.runningAt)) < 2, `${t.step} runs from runningAt`);
        assert.ok(
          Math.abs(running!.box.x + running!.box.w - x(t.endedAt)) < 2,
          `${t.step} ends at endedAt`,
        );
        assert.equal(running!.color, t.outcome === "failed" ? TROUBLE : RUNNING, t.step);
        assert.equal(row.mark, t.outcome === "failed" ? "✗ failed: PLANNING_FAILED" : null);
      }
      // The axis: ticks left to right from 0, and a sparkline for every step.
      assert.equal(seen.ticks[0]?.text, "0");
      assert.ok(seen.ticks.every((t, i) => i === 0 || t.x > seen.ticks[i - 1]!.x));
      assert.deepEqual(seen.sparklines.map((s) => s.step), run.timeline.map((t) => t.step));
      assert.ok(seen.sparklines.every((s) => s.w === 120 && s.path));

      // The screenshot, the whole page at 1200 px.
      const png = `${dir}/report.png`;
      const height = Math.min(seen.scrollHeight, 4000);
      await screenshot(browser!, `file://${dir}/report.html`, png, { width: WIDTH, height });
      const bytes = await Deno.readFile(png);
      assert.deepEqual(pngSize(bytes), { width: WIDTH, height });
      const keep = Deno.env.get("REPORT_PNG");
      if (keep) await Deno.writeFile(keep, bytes);
    } finally {
      await release(dir);
    }
  },
});

Deno.test({
  name: browser === null
    ? "report ids in headless Chromium (skipped: chromium is not installed; .ci/run installs it)"
    : "in headless Chromium, ids that look like HTML stay text: whole labels, no element made",
  ignore: browser === null,
  async fn() {
    const { dir, seen: all } = await load();
    try {
      const seen = all["evil.html"]!;
      assert.deepEqual(seen.tags, { img: 0, script: 0, iframe: 0 });
      assert.equal(seen.rows[0]?.label, `load:${EVIL}`);
      assert.equal(seen.rows[0]?.step, `load:${EVIL}`);
      assert.ok(seen.rows[0]?.labelWhole, "a long id wraps; it is never cut");
    } finally {
      await release(dir);
    }
  },
});
