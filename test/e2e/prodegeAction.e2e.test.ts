import { mockSignature, type ProdegeMock, startProdegeMock } from '../mocks/prodegeApi';
import { N8n, describeBuilt, eventually, itemsOf, loadExample, variant } from './support/n8n';

const TRIGGER = 'Prodege Trigger';

/**
 * The loop the Prodege node and trigger make together: a workflow raises the CPI of a project Real Time Pricing
 * paused, against the mock Demand API; the mock then sends the signed Real Time Pricing and Project Status
 * Update webhooks, as Prodege would, to the Prodege Trigger published in the same n8n.
 */
describeBuilt('prodege', 'Prodege node and trigger in a real n8n, against the mock Demand API', () => {
	const n8n = new N8n();
	let mock: ProdegeMock;
	let credential: { id: string; name: string };
	let trigger: { id: string; url: string };

	beforeAll(async () => {
		mock = await startProdegeMock();
		credential = await n8n.createCredential('Prodege mock', 'prodegeApi', mock.credentialData());
		trigger = await n8n.deploy(variant(loadExample('prodege-trigger.json'), 'e2e Prodege loop trigger'), { prodegeApi: credential });
		mock.setWebhookUrl(trigger.url);
	});

	afterAll(async () => {
		await mock?.stop();
	});

	it('Update CPI resumes a paused project, and the trigger emits the Real Time Pricing and status events Prodege then sends', async () => {
		const projectId = mock.addProject({ status: 'LIVE', cpi: 2, expected_ir: 40, loi: 12 });
		mock.addQuota(projectId);
		mock.pauseByRealTimePricing(projectId, 3.5);

		const workflow = loadExample('prodege.json');
		const action = workflow.nodes.find((node) => node.type.endsWith('.prodege'))!;
		action.parameters = { ...action.parameters, prodegeProjectId: String(projectId), cpi: 3.5 };
		action.credentials = { prodegeApi: credential };
		const run = await n8n.execute(await n8n.create({ ...workflow, name: 'e2e Prodege Update CPI' }));

		// The signed request Prodege received, and the item the node emitted.
		const request = mock.requests.find((entry) => entry.call === 'project-update-cpi');
		expect(request).toMatchObject({ method: 'POST', contentType: 'application/x-www-form-urlencoded', errorCodes: [] });
		const { apik, request_date: requestDate, signature, ...own } = request!.params;
		expect(own).toEqual({ prodege_project_id: String(projectId), cpi: '3.5', external_update: 'true' });
		expect(apik).toBe(mock.apik);
		expect(Math.abs(Date.now() - Number(requestDate))).toBeLessThan(120_000);
		expect(signature).toBe(mockSignature(mock.secretKey, request!.params));
		expect(itemsOf(run, action.name)).toEqual([{ prodege_project_id: projectId, cpi: 3.5 }]);
		expect(mock.projects.get(projectId)?.status).toBe('LIVE');

		// Prodege's two webhooks reached the trigger, signed, and were accepted.
		const deliveries = await eventually(
			() => mock.deliveries,
			(found) => found.length >= 2,
		);
		expect(deliveries.map((delivery) => [delivery.kind, delivery.status]).sort()).toEqual([
			['rtp', 200],
			['status', 200],
		]);
		const executions = await n8n.settledExecutions(trigger.id, 2);
		const items = executions.flatMap((execution) => itemsOf(execution, TRIGGER));
		expect(items).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ eventName: 'realTimePricing', project_id: projectId, project_status: 'LIVE', required_cpi: '3.5' }),
				expect.objectContaining({ eventName: 'projectStatusUpdate', project_id: projectId, status: 'LIVE', update_reason: 160 }),
			]),
		);
		expect(items).toHaveLength(2);
	});

	it('a status change Prodege would refuse fails the run with Prodege’s words, and nothing is changed', async () => {
		const projectId = mock.addProject({ status: 'PENDING' });
		const workflow = loadExample('prodege.json');
		const action = workflow.nodes.find((node) => node.type.endsWith('.prodege'))!;
		action.parameters = { resource: 'project', operation: 'update', prodegeProjectId: String(projectId), updateFields: { status: 'LIVE' } };
		action.credentials = { prodegeApi: credential };
		const id = await n8n.create({ ...workflow, name: 'e2e Prodege refused LIVE' });
		// n8n execute reports a failed run in its output, or fails itself: either way the message is there.
		const output = await n8n.execute(id).then(
			(run) => JSON.stringify(run),
			(error: Error) => error.message,
		);
		expect(output).toContain('Project status cannot be set to LIVE (No quotas)');
		expect(mock.requests.filter((entry) => entry.call === 'project-update' && entry.params.prodege_project_id === String(projectId))).toHaveLength(0);
		expect(mock.projects.get(projectId)?.status).toBe('PENDING');
	});
});
