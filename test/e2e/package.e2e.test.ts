import { N8n } from './support/n8n';

const n8n = new N8n();
const { built, packageName, missing } = n8n.state;

describe(`the packed ${packageName} installed in n8n ${n8n.state.n8nVersion}`, () => {
	if (missing.length > 0) {
		process.stderr.write(`e2e: not built yet, so not installed or tested:\n  ${missing.join('\n  ')}\n`);
	}

	it('lists every built node under the package name, and no other of ours', async () => {
		const listed = (await n8n.nodeTypes()).map((type) => type.name).filter((name) => name.startsWith(`${packageName}.`));
		const expected = built.nodes.flatMap((node) => (node.usableAsTool ? [node.type, `${node.type}Tool`] : [node.type]));
		expect(new Set(listed)).toEqual(new Set(expected));
		expect(built.nodes.length).toBeGreaterThan(0);
	});

	it('shows each node with its display name', async () => {
		const types = await n8n.nodeTypes();
		for (const node of built.nodes) {
			expect(types.find((type) => type.name === node.type)?.displayName).toBe(node.displayName);
		}
	});

	it('loads every built credential type', async () => {
		const listed = new Set((await n8n.credentialTypes()).map((type) => type.name));
		expect(built.credentials.length).toBeGreaterThan(0);
		for (const credential of built.credentials) expect(listed).toContain(credential.name);
	});
});
