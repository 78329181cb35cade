import { NodeApiError, NodeOperationError, type IHookFunctions, type INode, type WorkflowActivateMode } from 'n8n-workflow';

import { REPUBLISH_ADVICE, registrationFailure, whileRegistering } from '../../../nodes/shared/registrationFailure';

const node: INode = { id: '1', name: 'Vendor Trigger', type: 'x.vendorTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const hooks = (mode: WorkflowActivateMode = 'activate') => ({ getNode: () => node, getActivationMode: () => mode }) as unknown as IHookFunctions;
const WHAT = 'Could not register the Vendor webhooks (open)';

describe('registrationFailure', () => {
	it('says what failed, why, the advice of the description, and to publish again; the description is folded in', () => {
		const error = new NodeApiError(node, { status: 401 }, { message: 'Vendor refused the API key', description: 'Copy it again from Settings → API' });
		const framed = registrationFailure(hooks(), WHAT, error, 'Nothing was left registered');
		expect(framed).toBe(error);
		expect(framed.message).toBe(
			`${WHAT}: Vendor refused the API key. Copy it again from Settings → API. Nothing was left registered. ${REPUBLISH_ADVICE}`,
		);
		expect(framed.description).toBeUndefined();
	});

	it('says to listen again when the editor is listening for a test event', () => {
		const framed = registrationFailure(hooks('manual'), WHAT, new NodeOperationError(node, 'Choose at least one event'));
		expect(framed.message).toBe(`${WHAT}: Choose at least one event. Fix this, then listen for a test event again.`);
	});

	it('leaves a request library’s own words in the description, out of the message', () => {
		const error = new NodeApiError(node, {}, { message: 'Could not reach Vendor: check the base URL', description: 'fetch failed NodeApiError' });
		const framed = registrationFailure(hooks(), WHAT, error);
		expect(framed.message).toBe(`${WHAT}: Could not reach Vendor: check the base URL. ${REPUBLISH_ADVICE}`);
		expect(framed.description).toBe('fetch failed NodeApiError');
	});

	it('makes any other error a NodeOperationError, and frames an error once only', () => {
		const framed = registrationFailure(hooks(), WHAT, new Error('socket hang up'));
		expect(framed).toBeInstanceOf(NodeOperationError);
		expect(framed.message).toBe(`${WHAT}: socket hang up. ${REPUBLISH_ADVICE}`);
		expect(registrationFailure(hooks(), 'Something else', framed).message).toBe(framed.message);
	});
});

describe('whileRegistering', () => {
	it('passes a success through and frames a failure', async () => {
		expect(await whileRegistering(hooks(), () => WHAT, async () => 'done')).toBe('done');
		await expect(
			whileRegistering(hooks(), () => WHAT, async () => {
				throw new NodeOperationError(node, 'Vendor cannot deliver to localhost');
			}),
		).rejects.toThrow(`${WHAT}: Vendor cannot deliver to localhost. ${REPUBLISH_ADVICE}`);
	});
});
