#!/usr/bin/env node
// `npm run check:links`: every link in the project's Markdown (README, the other top-level pages, docs/) and every
// documentation URL of a node or credential resolves: a file of the repository, and a heading when the link names
// one. Links into this repository on GitHub (…/blob/main/<path>) are checked as files here. Other web addresses are
// not fetched (CI has no general network); they are listed with --external.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repositoryHome = pkg.homepage.replace(/#.*$/, '');
const blobPrefix = `${repositoryHome}/blob/main/`;
const treePrefix = `${repositoryHome}/tree/main/`;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown) {
	const anchors = new Set();
	const seen = new Map();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*```/.test(line)) fenced = !fenced;
		const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
		const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}
	for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]);
	return anchors;
}

/** Links of a Markdown page: [text](target), ![alt](target), and src/href attributes of inline HTML. */
function linksOf(markdown) {
	const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	const links = [];
	for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push(match[1]);
	for (const match of withoutCode.matchAll(/\b(?:src|href)="([^"]+)"/g)) links.push(match[1]);
	return links;
}

function markdownFiles() {
	const top = readdirSync(root).filter((name) => name.endsWith('.md')).map((name) => join(root, name));
	const walk = (folder) =>
		readdirSync(folder).flatMap((name) => {
			const path = join(folder, name);
			return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : [];
		});
	return [...top, ...(existsSync(join(root, 'docs')) ? walk(join(root, 'docs')) : [])];
}

const anchorCache = new Map();
function anchorsIn(file) {
	if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8')));
	return anchorCache.get(file);
}

/** What is wrong with a link from `fromFile`, or undefined when it resolves. */
export function problemOf(target, fromFile) {
	let local = target;
	if (target.startsWith(blobPrefix)) local = join(root, target.slice(blobPrefix.length));
	else if (target.startsWith(treePrefix)) local = join(root, target.slice(treePrefix.length));
	else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
	else if (target.startsWith('#')) local = `${fromFile}${target}`;
	else local = join(dirname(fromFile), target);
	const [path, anchor] = local.split('#');
	const file = decodeURIComponent(path);
	if (!existsSync(file)) return `${relative(root, file)} does not exist`;
	if (anchor && file.endsWith('.md') && !anchorsIn(file).has(anchor)) return `${relative(root, file)} has no heading #${anchor}`;
	return undefined;
}

/** The documentation URLs n8n shows for each node (codex primaryDocumentation) and credential (documentationUrl). */
function documentationUrls() {
	const urls = [];
	const walk = (folder) =>
		readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? walk(join(folder, name)) : [join(folder, name)]));
	for (const file of walk(join(root, 'nodes')).filter((path) => path.endsWith('.node.json'))) {
		for (const { url } of JSON.parse(readFileSync(file, 'utf8')).resources?.primaryDocumentation ?? []) urls.push({ file, url });
	}
	for (const file of walk(join(root, 'credentials')).filter((path) => path.endsWith('.ts'))) {
		const match = /documentationUrl\s*=\s*'([^']+)'/.exec(readFileSync(file, 'utf8'));
		if (match) urls.push({ file, url: match[1] });
	}
	return urls;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const problems = [];
	const external = new Set();
	let checked = 0;
	for (const file of markdownFiles()) {
		for (const link of linksOf(readFileSync(file, 'utf8'))) {
			checked++;
			if (/^https?:/.test(link) && !link.startsWith(repositoryHome)) external.add(link);
			const problem = problemOf(link, file);
			if (problem) problems.push(`${relative(root, file)}: ${link}: ${problem}`);
		}
	}
	for (const { file, url } of documentationUrls()) {
		checked++;
		if (!url.startsWith(blobPrefix)) problems.push(`${relative(root, file)}: ${url}: not a page of this repository (${blobPrefix}…)`);
		else {
			const problem = problemOf(url, file);
			if (problem) problems.push(`${relative(root, file)}: ${url}: ${problem}`);
		}
	}
	if (process.argv.includes('--external')) for (const link of [...external].sort()) console.log(`not fetched: ${link}`);
	for (const problem of problems) console.error(problem);
	console.log(`${checked} links checked, ${problems.length} broken, ${external.size} external addresses not fetched`);
	process.exit(problems.length === 0 ? 0 : 1);
}
