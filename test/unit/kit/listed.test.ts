import type { IWebhookFunctions, IWebhookResponseData, INodeType } from 'n8n-workflow';
import { z } from 'zod';

import { handleDelivery, knownOr, standardResponses, type TriggerDeclaration } from '../../../nodes/shared';
import { deliver } from '../../helpers/webhook';

const STATES = ['open', 'closed'] as const;
const schema = z.object({ id: z.string(), state: knownOr(STATES), code: z.number().optional() }).passthrough();
type Event = z.infer<typeof schema>;

/** A made-up vendor whose `state` and `code` have documented values. */
function vendor(name: string, passesUnlisted?: ReadonlySet<string>): INodeType {
	const declaration: TriggerDeclaration<Event> = {
		vendor: name,
		schema,
		eventName: (event) => `${name}.${event.state}`,
		eventKey: (event) => event.id,
		filters: [{ parameter: 'states', value: (event) => event.state, passesUnlisted }],
		listed: [
			{ field: 'state', known: new Set(STATES), value: (event) => event.state },
			{ field: 'code', known: new Set(['1', '2']), value: (event) => event.code },
		],
		responses: standardResponses,
	};
	return {
		description: {} as INodeType['description'],
		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return handleDelivery.call(this, declaration);
		},
	};
}

const unlistedLines = (logs: Array<{ message: string }>) => logs.filter(({ message }) => message.includes('does not list')).map(({ message }) => message);

describe('values a vendor adds to a documented list', () => {
	it('emits an event with an unlisted value as sent, every field kept, and answers as for any event', async () => {
		const result = await deliver(vendor('Listed1'), {}, { body: [{ id: 'a', state: 'archived', code: 7, extra: { deep: true } }] });
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ received: 1, emitted: 1, rejected: [] });
		expect(result.items).toEqual([{ id: 'a', state: 'archived', code: 7, extra: { deep: true }, eventName: 'Listed1.archived', eventKey: 'a' }]);
	});

	it('logs each unlisted value once per process, and nothing for listed values', async () => {
		const node = vendor('Listed2');
		const first = await deliver(node, {}, { body: [{ id: 'a', state: 'archived' }, { id: 'b', state: 'archived', code: 9 }, { id: 'c', state: 'open', code: 1 }] });
		expect(unlistedLines(first.logs)).toEqual([
			'Listed2 sent state "archived", a value this package does not list; the event is emitted with it as sent',
			'Listed2 sent code "9", a value this package does not list; the event is emitted with it as sent',
		]);
		const again = await deliver(node, {}, { body: [{ id: 'd', state: 'archived', code: 9 }] });
		expect(again.items).toHaveLength(1);
		expect(unlistedLines(again.logs)).toEqual([]);
	});

	it('leaves an unlisted value out, answered as success and counted as ignored, when the filter names others', async () => {
		const result = await deliver(vendor('Listed3'), { parameters: { states: ['open'] } }, { body: [{ id: 'a', state: 'archived' }, { id: 'b', state: 'open' }] });
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ received: 2, emitted: 1, ignored: 1, rejected: [] });
		expect(result.items?.map((item) => item.id)).toEqual(['b']);
	});

	it('lets an unlisted value through a filter that names only the values it can name, when the vendor says so', async () => {
		const result = await deliver(vendor('Listed5', new Set(STATES)), { parameters: { states: ['open'] } }, {
			body: [{ id: 'a', state: 'archived' }, { id: 'b', state: 'open' }, { id: 'c', state: 'closed' }],
		});
		expect(result.body).toMatchObject({ received: 3, emitted: 2, ignored: 1 });
		expect(result.items?.map((item) => item.id)).toEqual(['a', 'b']);
	});

	it('still refuses what is not text where text is documented', async () => {
		const result = await deliver(vendor('Listed4'), {}, { body: [{ id: 'a', state: 42 }] });
		expect(result.body).toMatchObject({ emitted: 0, rejected: [{ index: 0 }] });
	});

	it('documents the known values in the output schema and accepts others', () => {
		expect(knownOr(STATES).safeParse('open').success).toBe(true);
		expect(knownOr(STATES).safeParse('new-state').success).toBe(true);
		expect(knownOr(STATES).safeParse(null).success).toBe(false);
	});
});
