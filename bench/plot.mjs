#!/usr/bin/env node
// A dependency-free SVG line plot of events/s against batch size, one line per variant, each point the median
// of its rounds with a min-max whisker. Used by bench/e2e.mjs; also re-plots a saved result:
//   node bench/plot.mjs [bench/results/latest-e2e.json] [docs/benchmarks/events-per-second.svg]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SVG = join(ROOT, 'docs', 'benchmarks', 'events-per-second.svg');
export const DEFAULT_RESULTS = join(ROOT, 'bench', 'results', 'latest-e2e.json');

// Colour-blind-safe (Okabe-Ito), with a dash pattern as well so the lines differ in grey print too.
const STYLES = [
	{ color: '#0072B2', dash: '' },
	{ color: '#56B4E9', dash: '7 4' },
	{ color: '#009E73', dash: '2 4' },
	{ color: '#D55E00', dash: '10 4 2 4' },
	{ color: '#CC79A7', dash: '4 3' },
];

const escapeXml = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);

/** 1, 2, 5 × 10^k steps giving about `count` ticks from 0 to at least `max`. */
function niceTicks(max, count = 5) {
	if (!(max > 0)) return [0, 1];
	const raw = max / count;
	const power = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
	const ticks = [];
	for (let value = 0; value < max + step; value += step) ticks.push(+value.toPrecision(12));
	return ticks;
}

const formatNumber = (value) => value.toLocaleString('en');

/**
 * `series`: [{ label, points: [{ x, y, min, max }] }], x being the batch size (plotted on a log scale, since
 * the sizes run 1 to 100). Returns the SVG text.
 */
export function eventsPerSecondSvg(series, { title = 'Events per second by batch size', subtitle = '', width = 760, height = 460 } = {}) {
	const margin = { top: subtitle ? 70 : 50, right: 24, bottom: 56, left: 74 };
	const legendRow = 20;
	const legendHeight = series.length * legendRow + 12;
	const plotWidth = width - margin.left - margin.right;
	const plotHeight = height - margin.top - margin.bottom;
	const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
	const yMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.max ?? p.y)));
	const yTicks = niceTicks(yMax * 1.05);
	const yTop = yTicks.at(-1);
	const [xLow, xHigh] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
	const xOf = (x) => margin.left + (xHigh === xLow ? plotWidth / 2 : ((Math.log10(x) - xLow) / (xHigh - xLow)) * plotWidth);
	const yOf = (y) => margin.top + plotHeight - (y / yTop) * plotHeight;
	const out = [];
	out.push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<title>${escapeXml(title)}</title>`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
	);
	if (subtitle) out.push(`<text x="${width / 2}" y="44" text-anchor="middle" fill="#444">${escapeXml(subtitle)}</text>`);
	// Grid and y axis.
	for (const tick of yTicks) {
		const y = yOf(tick).toFixed(1);
		out.push(
			`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotWidth}" y2="${y}" stroke="#e3e3e3"/>`,
			`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#333">${formatNumber(tick)}</text>`,
		);
	}
	for (const x of xs) {
		const px = xOf(x).toFixed(1);
		out.push(
			`<line x1="${px}" y1="${margin.top}" x2="${px}" y2="${margin.top + plotHeight}" stroke="#f0f0f0"/>`,
			`<text x="${px}" y="${margin.top + plotHeight + 18}" text-anchor="middle" fill="#333">${x}</text>`,
		);
	}
	out.push(
		`<line x1="${margin.left}" y1="${margin.top + plotHeight}" x2="${margin.left + plotWidth}" y2="${margin.top + plotHeight}" stroke="#333"/>`,
		`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotHeight}" stroke="#333"/>`,
		`<text x="${margin.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">Events per delivery (batch size, log scale)</text>`,
		`<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">Events per second (median of rounds; bars: min-max)</text>`,
	);
	// Lines, whiskers and points.
	series.forEach((s, index) => {
		const style = STYLES[index % STYLES.length];
		const points = [...s.points].sort((a, b) => a.x - b.x);
		const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.x).toFixed(1)} ${yOf(p.y).toFixed(1)}`).join(' ');
		out.push(`<g>`, `<title>${escapeXml(s.label)}</title>`);
		out.push(`<path d="${path}" fill="none" stroke="${style.color}" stroke-width="2.2"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
		for (const p of points) {
			const px = xOf(p.x).toFixed(1);
			if (p.min !== undefined && p.max !== undefined && p.max > p.min) {
				out.push(`<line x1="${px}" y1="${yOf(p.min).toFixed(1)}" x2="${px}" y2="${yOf(p.max).toFixed(1)}" stroke="${style.color}" stroke-width="1.2"/>`);
			}
			out.push(`<circle cx="${px}" cy="${yOf(p.y).toFixed(1)}" r="3.5" fill="${style.color}"><title>${escapeXml(`${s.label}, batch ${p.x}: ${Math.round(p.y)} events/s`)}</title></circle>`);
		}
		out.push(`</g>`);
	});
	// Legend, top left inside the plot, where the lines start low.
	const legendX = margin.left + 14;
	const legendY = margin.top + 10;
	const legendWidth = 20 + 34 + Math.max(...series.map((s) => s.label.length)) * 6.6;
	out.push(`<rect x="${legendX}" y="${legendY}" width="${legendWidth.toFixed(0)}" height="${legendHeight}" fill="#ffffff" fill-opacity="0.9" stroke="#bbb"/>`);
	series.forEach((s, index) => {
		const style = STYLES[index % STYLES.length];
		const y = legendY + 16 + index * legendRow;
		out.push(
			`<line x1="${legendX + 10}" y1="${y}" x2="${legendX + 40}" y2="${y}" stroke="${style.color}" stroke-width="2.2"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
			`<circle cx="${legendX + 25}" cy="${y}" r="3.5" fill="${style.color}"/>`,
			`<text x="${legendX + 48}" y="${y}" dominant-baseline="middle">${escapeXml(s.label)}</text>`,
		);
	});
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}

/** The plot of a bench/e2e.mjs result (its `summary` rows), written to `file`. */
export function writeEventsPlot(results, file = DEFAULT_SVG) {
	const series = results.variants
		.filter((variant) => variant.plot)
		.map((variant) => ({
			label: variant.label,
			points: results.summary
				.filter((row) => row.variant === variant.key && row.eventsPerS)
				.map((row) => ({ x: row.batch, y: row.eventsPerS.median, min: row.eventsPerS.min, max: row.eventsPerS.max })),
		}))
		.filter((s) => s.points.length > 0);
	const subtitle = `n8n ${results.n8nVersion}, SQLite, ${results.engine} expression engine, concurrency ${results.concurrency}, ${results.rounds} rounds${results.quick ? ' (--quick)' : ''}, ${results.cpus} CPUs`;
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, eventsPerSecondSvg(series, { title: 'Optimizely Campaign deliveries into n8n: events per second', subtitle }));
	return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const [input = DEFAULT_RESULTS, output = DEFAULT_SVG] = process.argv.slice(2);
	const written = writeEventsPlot(JSON.parse(readFileSync(input, 'utf8')), output);
	process.stdout.write(`${written}\n`);
}
