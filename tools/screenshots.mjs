#!/usr/bin/env node
// `npm run screenshots`: starts the real n8n with this package (the harness in scripts/n8n), opens its editor in
// headless Chromium through playwright-core, signs in, and captures into docs/screenshots/:
//   node-panel-*.png                       the node panel searching for "Prodege" and "Optimizely": our nodes
//                                          with their icons, Optimizely's trigger shortcuts and its actions
//   parameters-*.png                       each trigger's parameter panel, as a freshly added node shows it
//   schema-preview-optimizely-campaign.png the action node's typed output, shown before it has run
//   execution-prodege*.png                 an execution the simulator started, and the items the trigger emitted
//   publish-failed-*.png                   publishing a self-registering trigger with a wrong API password: the
//                                          editor's notice carries the trigger's message
// It also checks that every node of the package is found by the panel search, and exits non-zero if not.
// Options: --out DIR (default docs/screenshots), --chromium PATH (default /usr/bin/chromium or $CHROMIUM_PATH),
// --only STEP[,STEP] (nodePanel, parameterPanels, schemaPreview, execution, publishFailure).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

import { chromium } from 'playwright-core';

import { deployWorkflow, launch, log, OWNER, REPO_ROOT } from '../scripts/n8n/index.mjs';
import { startMock } from '../scripts/n8n/mocks.mjs';
import { perVendor } from '../scripts/vendors.mjs';

const { values: args } = parseArgs({ options: { out: { type: 'string' }, chromium: { type: 'string' }, only: { type: 'string' } } });
const OUT = resolve(REPO_ROOT, args.out ?? join('docs', 'screenshots'));
const CHROMIUM = args.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).name;
/** The whole run, n8n's start included, must end within this. */
const RUN_LIMIT_MS = 12 * 60_000;
const STEP_MS = 20_000;
const PRODEGE_SECRET = 'screenshot-prodege-secret-7d41';

/**
 * What the node panel must list for each search, by the name it lists our nodes under. A vendor with a trigger
 * whose first "Events" parameter is open to all shows as an app, with one "On …" shortcut per event; a vendor
 * with an action node too shows as one app with triggers and actions.
 */
const SEARCHES = perVendor(
	{
		personaclick: { term: 'Personaclick', finds: 'Personaclick', actions: 'Import products' },
		optimizely: {
			term: 'Optimizely',
			finds: 'Optimizely Campaign',
			shot: 'node-panel-optimizely.png',
			triggers: 'On open',
			triggersShot: 'node-panel-optimizely-triggers.png',
			actions: 'Send a transactional mail',
			actionsShot: 'node-panel-optimizely-actions.png',
		},
		qixol: { term: 'Qixol', finds: 'Qixol Promo', triggers: 'On promotion created' },
		sendpulse: { term: 'SendPulse', finds: 'SendPulse', triggers: 'On new SendPulse event', actions: 'Send an automation 360 event' },
		prodege: { term: 'Prodege', finds: 'Prodege', shot: 'node-panel-prodege.png', actions: 'Update the CPI of a project' },
	},
	'tools/screenshots.mjs (searches)',
).map(([, search]) => search);

const TRIGGERS = perVendor(
	{
		personaclick: { shot: 'parameters-personaclick-trigger.png' },
		// Its events are required: two are picked, as the node panel's "On open" shortcut would pick one.
		optimizely: { shot: 'parameters-optimizely-campaign-trigger.png', parameters: { events: ['open', 'click'] } },
		qixol: { shot: 'parameters-qixol-promo-trigger.png' },
		sendpulse: { shot: 'parameters-sendpulse-trigger.png' },
		prodege: { shot: 'parameters-prodege-trigger.png' },
	},
	'tools/screenshots.mjs (parameters)',
).map(([vendor, trigger]) => ({ type: vendor.node, ...trigger }));

const failures = [];

/** Whether `locator` shows up within the step time. */
const appears = (locator, timeout = STEP_MS) => locator.waitFor({ timeout }).then(
	() => true,
	() => false,
);
const shots = [];

function check(condition, message) {
	if (!condition) {
		failures.push(message);
		log(`CHECK FAILED: ${message}`);
	}
	return condition;
}

async function shoot(target, name, options = {}) {
	const path = join(OUT, name);
	await target.screenshot({ path, animations: 'disabled', ...options });
	shots.push(relative(REPO_ROOT, path));
	log(`Saved ${relative(REPO_ROOT, path)}`);
}

async function signIn(page, baseUrl) {
	await page.goto(`${baseUrl}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', OWNER.email);
	await page.fill('input[name="password"]', OWNER.password);
	await page.press('input[name="password"]', 'Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** The node panel opened on `workflowUrl`, with `term` typed into its search; returns the listed item named `name`. */
async function searchNodePanel(page, workflowUrl, term, name) {
	await page.goto(workflowUrl);
	await page.click('[data-test-id="node-creator-plus-button"]');
	const search = page.locator('[data-test-id="node-creator-search-bar"]');
	await search.waitFor();
	await search.fill(term);
	const label = page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^\\s*${name}\\s*$`) });
	return page.locator('[data-test-id="item-iterator-item"]', { has: label }).first();
}

async function nodePanel(page, baseUrl, api) {
	// First the panel a new workflow opens with, which lists triggers.
	for (const { term, finds, shot, triggers, triggersShot } of SEARCHES) {
		const item = await searchNodePanel(page, `${baseUrl}/workflow/new`, term, finds);
		if (!check(await appears(item), `searching "${term}" in the node panel lists "${finds}"`)) continue;
		check((await item.locator('img').count()) > 0, `"${finds}" is listed with its icon`);
		if (shot) await shoot(page, shot);
		if (!triggers) continue;
		await item.click();
		const shortcut = page.locator('[data-test-id="node-creator-item-name"]', { hasText: triggers }).first();
		check(await appears(shortcut), `"${finds}" offers the trigger "${triggers}"`);
		if (triggersShot) await shoot(page, triggersShot);
	}
	// Then the panel for a next step, which lists the action nodes' operations.
	const workflow = await createWorkflow(api, 'Screenshot: node panel', [{ name: 'When clicking ‘Execute workflow’', type: 'n8n-nodes-base.manualTrigger' }]);
	for (const { term, finds, actions, actionsShot } of SEARCHES.filter((search) => search.actions)) {
		const item = await searchNodePanel(page, `${baseUrl}/workflow/${workflow.id}`, term, finds);
		if (!check(await appears(item), `searching "${term}" for a next step lists "${finds}"`)) continue;
		await item.click();
		const action = page.locator('[data-test-id="node-creator-item-name"]', { hasText: actions }).first();
		check(await appears(action), `"${finds}" offers the action "${actions}"`);
		if (actionsShot) await shoot(page, actionsShot);
	}
}

/** A workflow holding `nodes` in a row, each feeding the next, created through the API. */
async function createWorkflow(api, name, nodes) {
	const placed = nodes.map((node, index) => ({ id: randomUUID(), typeVersion: 1, position: [index * 260, 0], parameters: {}, ...node }));
	const connections = {};
	for (let index = 0; index + 1 < placed.length; index++) {
		connections[placed[index].name] = { main: [[{ node: placed[index + 1].name, type: 'main', index: 0 }]] };
	}
	return await api.createWorkflow({ name, nodes: placed, connections, settings: { executionOrder: 'v1' } });
}

async function openNode(page, baseUrl, workflowId, nodeName) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const node = page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first();
	await node.waitFor();
	await node.dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	await page.waitForTimeout(1000);
	return ndv;
}

/** Each trigger as a fresh node with its defaults: the parameters, with the Production URL shown. */
async function parameterPanels(page, baseUrl, api, built) {
	await page.setViewportSize({ width: 1100, height: 1150 });
	for (const { type, shot, parameters = {} } of TRIGGERS) {
		const node = built.nodes.find((candidate) => candidate.name === type);
		if (!check(node, `the package builds ${type}`)) continue;
		const workflow = await createWorkflow(api, `Screenshot: ${node.displayName}`, [
			{ name: node.displayName, type: `${PACKAGE}.${type}`, webhookId: randomUUID(), parameters },
		]);
		const ndv = await openNode(page, baseUrl, workflow.id, node.displayName);
		await narrowInputPanel(page);
		await page.getByText('Webhook URLs').first().click();
		await page.getByText('Production URL', { exact: true }).first().click();
		await page.waitForTimeout(500);
		check(await appears(page.locator('[data-test-id="node-parameters"]')), `${node.displayName} shows its parameters`);
		await shoot(ndv, shot);
	}
	await page.setViewportSize({ width: 1440, height: 900 });
}

/** A trigger has no input: drag the parameters to the left, over the empty input panel. */
async function narrowInputPanel(page) {
	const handle = await page.locator('[data-test-id="panel-drag-button"]').boundingBox();
	if (!handle) return;
	const y = handle.y + handle.height / 2;
	await page.mouse.move(handle.x + handle.width / 2, y);
	await page.mouse.down();
	await page.mouse.move(handle.x - 300, y, { steps: 10 });
	await page.mouse.move(handle.x - 600, y, { steps: 10 });
	await page.mouse.up();
	await page.waitForTimeout(500);
}

/** The action node's output fields, shown in the next node's input before anything has run. */
async function schemaPreview(page, baseUrl, api) {
	const workflow = await createWorkflow(api, 'Screenshot: typed output', [
		{ name: 'Optimizely Campaign', type: `${PACKAGE}.optimizelyCampaign`, parameters: { resource: 'webhook', operation: 'getAll', returnAll: true, options: {} } },
		{ name: 'Next step', type: 'n8n-nodes-base.noOp' },
	]);
	const ndv = await openNode(page, baseUrl, workflow.id, 'Next step');
	const preview = page.getByText('Usually outputs the following fields', { exact: false });
	check(await appears(preview), 'the editor previews the Optimizely Campaign node\'s output fields from its schema');
	await shoot(ndv, 'schema-preview-optimizely-campaign.png');
}

const run = promisify(execFile);

/** Publishes the Prodege example, has the simulator send it a signed batch, and opens the execution. */
async function execution(page, baseUrl, api) {
	const credential = await api.createCredential({
		name: 'Prodege account',
		type: 'prodegeApi',
		data: { apik: 'screenshot-apik', secretKey: PRODEGE_SECRET, environment: 'production' },
	});
	const example = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'prodege-trigger.json'), 'utf8'));
	const deployed = await deployWorkflow(api, example, { credentials: { prodegeApi: { id: credential.id, name: credential.name } } });
	const { stdout } = await run(
		process.execPath,
		[join(REPO_ROOT, 'scripts', 'simulate.mjs'), 'prodege', 'all', '--count', '3', '--batch', '3', '--secret', PRODEGE_SECRET, '--url', deployed.url, '--json'],
		{ timeout: 60_000 },
	);
	log(`Simulator: ${stdout.trim().slice(0, 300)}`);
	let executionId;
	for (const deadline = Date.now() + 60_000; !executionId && Date.now() < deadline; ) {
		const answer = await api.public('GET', `/executions?workflowId=${deployed.id}&status=success`);
		executionId = answer.data?.data?.[0]?.id;
		if (!executionId) await page.waitForTimeout(500);
	}
	if (!check(executionId, 'the simulator\'s delivery started a successful execution')) return;
	await page.goto(`${baseUrl}/workflow/${deployed.id}/executions/${executionId}`);
	const trigger = page.locator('[data-test-id="canvas-node"]', { hasText: 'Prodege Trigger' }).first();
	await trigger.waitFor();
	// n8n greets a first published workflow with a checklist that covers the list of executions.
	await page.locator('[data-test-id="suggested-actions-close"]').click({ timeout: 3000 }).catch(() => {});
	await page.waitForTimeout(1000);
	check(await appears(page.getByText('3 items').first()), 'the execution passed 3 items from the trigger on');
	await shoot(page, 'execution-prodege.png');
	await trigger.dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	await page.locator('[data-test-id="radio-button-json"]').last().click();
	await page.waitForTimeout(1000);
	check(await appears(ndv.getByText('update_reason_description').first()), "the trigger's output shows the items it emitted, with the fields it adds");
	await shoot(ndv, 'execution-prodege-items.png');
}

/**
 * Each self-registering trigger published from the editor with a wrong API password or secret, against the
 * local mock of its API: n8n tries the registration for about 20 s, then shows the trigger's message in a
 * "Workflow could not be published" notice.
 */
const REGISTRATION_FAILURES = [
	{
		mock: 'optimizely',
		wrong: { apiPassword: 'screenshot-wrong-password' },
		node: { name: 'Optimizely Campaign Trigger', type: 'optimizelyCampaignTrigger', parameters: { events: ['open', 'click'], options: { allowInsecureUrl: true } } },
		says: 'Could not register the Optimizely Campaign webhooks (open, click): Optimizely Campaign did not accept the API user and password',
		shot: 'publish-failed-optimizely-campaign-trigger.png',
	},
	{
		mock: 'sendpulse',
		wrong: { clientSecret: 'screenshot-wrong-secret' },
		node: {
			name: 'SendPulse Trigger',
			type: 'sendPulseTrigger',
			parameters: { source: 'emailService', registration: 'api', authentication: 'sharedSecret', events: ['open'], options: {} },
		},
		token: true,
		says: 'Could not register the SendPulse webhooks (open): SendPulse refused the client ID or secret (HTTP 401)',
	},
];

async function publishFailure(page, baseUrl, api, built) {
	for (const { mock: name, wrong, node, token, says, shot } of REGISTRATION_FAILURES) {
		if (!check(built.nodes.some((candidate) => candidate.name === node.type), `the package builds ${node.type}`)) continue;
		const mock = await startMock(name);
		if (!check(mock, `the ${name} mock API starts`)) continue;
		try {
			const { type, data } = mock.credential;
			const credential = await api.createCredential({ name: `${node.name} (wrong)`, type, data: { ...data, ...wrong } });
			const credentials = { [type]: { id: credential.id, name: credential.name } };
			if (token) {
				const secret = await api.createCredential({
					name: 'Screenshot webhook token',
					type: 'webhookSharedSecretApi',
					data: { secret: 'screenshot-webhook-token-6a1f', location: 'query', name: 'token' },
				});
				credentials.webhookSharedSecretApi = { id: secret.id, name: secret.name };
			}
			const workflow = await createWorkflow(api, `Screenshot: ${node.name} with a wrong password`, [
				{ ...node, type: `${PACKAGE}.${node.type}`, webhookId: randomUUID(), credentials },
			]);
			await page.goto(`${baseUrl}/workflow/${workflow.id}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			await page.locator('[data-test-id="workflow-open-publish-modal-button"]').click();
			await page.locator('[data-test-id="workflow-publish-button"]').click();
			// n8n tries five times, 1 to 8 s apart, before it reports the failure.
			const notice = page.locator('.el-notification', { hasText: 'Workflow could not be published' }).first();
			if (!check(await appears(notice, 90_000), `publishing ${node.name} with a wrong password shows "Workflow could not be published"`)) continue;
			const text = await notice.innerText();
			check(text.includes(says), `the notice carries the trigger's message "${says}…" (it shows: ${text.replace(/\s+/g, ' ')})`);
			check(text.includes('No events arrive until the workflow is published again with this fixed.'), `the notice for ${node.name} says to publish again`);
			if (shot) await shoot(page, shot);
		} finally {
			await mock.stop();
		}
	}
}

const STEPS = { nodePanel, parameterPanels, schemaPreview, execution, publishFailure };

async function main() {
	const steps = args.only ? args.only.split(',').map((step) => step.trim()) : Object.keys(STEPS);
	const unknown = steps.filter((step) => !STEPS[step]);
	if (unknown.length > 0) throw new Error(`Unknown step(s) ${unknown.join(', ')}: choose from ${Object.keys(STEPS).join(', ')}`);
	mkdirSync(OUT, { recursive: true });
	const harness = await launch({});
	let browser;
	const limit = setTimeout(() => {
		log(`Screenshots took longer than ${RUN_LIMIT_MS / 60_000} minutes: stopping`);
		Promise.allSettled([browser?.close(), harness.stop()]).then(() => process.exit(1));
	}, RUN_LIMIT_MS);
	try {
		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		page.setDefaultTimeout(STEP_MS);
		const baseUrl = harness.server.baseUrl;
		await signIn(page, baseUrl);
		for (const step of steps) await STEPS[step](page, baseUrl, harness.api, harness.pkg.built);
	} finally {
		clearTimeout(limit);
		await browser?.close();
		await harness.stop();
	}
	log(`${shots.length} screenshots in ${relative(REPO_ROOT, OUT)}`);
	if (failures.length > 0) {
		log(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
		process.exit(1);
	}
	if (steps.includes('nodePanel')) log('Every node of the package is found by the node panel search');
}

main().catch((error) => {
	log(`screenshots failed: ${error.stack ?? error.message}`);
	process.exit(1);
});
