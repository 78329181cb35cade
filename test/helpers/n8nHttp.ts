/**
 * A small, real-HTTP stand-in for the request helpers n8n gives nodes, so that action nodes, lifecycle
 * methods and credential tests run against local mock servers over real sockets. It follows n8n's
 * documented behaviour: generic `authenticate` blocks with `={{$credentials.x}}` expressions, a
 * `preAuthentication` refresh when the expirable field is empty or the server answers 401, errors
 * for statuses >= 400 that carry the response (status, headers, body) like n8n's own.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

export interface HttpErrorShape extends Error {
	isAxiosError: true;
	httpCode: string;
	response: { status: number; statusText: string; headers: Record<string, string>; data: unknown };
}

/** Resolves n8n expressions (`={{ ... }}`, several blocks allowed) against `$credentials`. */
export function resolveExpression(value: unknown, credentials: IDataObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const template = value.slice(1);
	const single = /^\{\{([\s\S]*)\}\}$/.exec(template.trim());
	const evaluate = (code: string) => new Function('$credentials', `return (${code});`)(credentials) as unknown;
	if (single && !single[1].includes('}}')) return evaluate(single[1]);
	return template.replace(/\{\{([\s\S]*?)\}\}/g, (_, code: string) => String(evaluate(code)));
}

function resolveDeep(value: unknown, credentials: IDataObject): unknown {
	if (Array.isArray(value)) return value.map((entry) => resolveDeep(entry, credentials));
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [key, entry] of Object.entries(value)) out[key] = resolveDeep(entry, credentials) as IDataObject;
		return out;
	}
	return resolveExpression(value, credentials);
}

export interface RequestLog {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: string;
}

/** Performs one request with n8n's httpRequest semantics, over real HTTP. */
export async function httpRequest(options: IHttpRequestOptions, log?: RequestLog[]): Promise<unknown> {
	const base = options.baseURL ? options.baseURL.replace(/\/$/, '') : '';
	const url = new URL(options.url.startsWith('http') ? options.url : `${base}${options.url.startsWith('/') ? '' : '/'}${options.url}`);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
	}
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = String(value);
	if (options.auth) {
		headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
	}
	let body: string | undefined;
	if (options.body instanceof URLSearchParams) {
		body = options.body.toString();
		headers['content-type'] ??= 'application/x-www-form-urlencoded';
	} else if (typeof options.body === 'string') {
		body = options.body;
	} else if (options.body !== undefined && options.body !== null) {
		const type = headers['content-type'] ?? 'application/json';
		if (type.startsWith('application/x-www-form-urlencoded')) {
			body = new URLSearchParams(options.body as Record<string, string>).toString();
		} else {
			body = JSON.stringify(options.body);
			headers['content-type'] = type;
		}
	}
	const method = options.method ?? 'GET';
	log?.push({ method, url: url.toString(), headers, body: body ?? '' });
	const response = await fetch(url, {
		method,
		headers,
		body,
		signal: AbortSignal.timeout(options.timeout ?? 10_000),
	});
	const text = await response.text();
	let data: unknown = text;
	if (text && (options.json || (response.headers.get('content-type') ?? '').includes('json'))) {
		try {
			data = JSON.parse(text);
		} catch {
			data = text;
		}
	}
	if (text === '') data = options.json ? undefined : '';
	const responseHeaders = Object.fromEntries(response.headers.entries());
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		const error = new Error(`Request failed with status code ${response.status}`) as HttpErrorShape;
		error.isAxiosError = true;
		error.httpCode = String(response.status);
		error.response = { status: response.status, statusText: response.statusText, headers: responseHeaders, data };
		throw error;
	}
	return options.returnFullResponse
		? { statusCode: response.status, headers: responseHeaders, body: data }
		: data;
}

export interface CredentialStore {
	type: ICredentialType;
	data: ICredentialDataDecryptedObject;
}

/** Like n8n, only a `hidden` field marked expirable counts; any other type is ignored. */
function expirableField(type: ICredentialType): string | undefined {
	return type.properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable)?.name;
}

async function preAuthenticate(store: CredentialStore, log?: RequestLog[]): Promise<void> {
	if (!store.type.preAuthentication) return;
	const helper = { helpers: { httpRequest: (options: IHttpRequestOptions) => httpRequest(options, log) } };
	const update = await store.type.preAuthentication.call(helper as never, store.data);
	// n8n keeps the answer only when it sets the expirable field.
	const field = expirableField(store.type);
	if (field && update[field] !== undefined) Object.assign(store.data, update);
}

async function applyAuthentication(store: CredentialStore, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const { authenticate } = store.type;
	if (!authenticate) return options;
	if (typeof authenticate === 'function') return authenticate(store.data, options);
	const props = resolveDeep(authenticate.properties, store.data) as IDataObject;
	return {
		...options,
		headers: { ...(options.headers ?? {}), ...((props.headers as IDataObject) ?? {}) },
		qs: { ...(options.qs ?? {}), ...((props.qs as IDataObject) ?? {}) },
		body:
			props.body && typeof options.body === 'object' && options.body !== null && !(options.body instanceof URLSearchParams)
				? { ...(options.body as IDataObject), ...(props.body as IDataObject) }
				: options.body,
		auth: (props.auth as IHttpRequestOptions['auth']) ?? options.auth,
	};
}

/** httpRequestWithAuthentication, as n8n runs it for a credential type. */
export async function httpRequestWithAuthentication(
	store: CredentialStore,
	options: IHttpRequestOptions,
	log?: RequestLog[],
): Promise<unknown> {
	const field = expirableField(store.type);
	if (store.type.preAuthentication && field && !store.data[field]) await preAuthenticate(store, log);
	try {
		return await httpRequest(await applyAuthentication(store, options), log);
	} catch (error) {
		if (store.type.preAuthentication && field && (error as HttpErrorShape).response?.status === 401) {
			await preAuthenticate(store, log);
			return await httpRequest(await applyAuthentication(store, options), log);
		}
		throw error;
	}
}

/** Runs a credential's declarative `test`, as the credentials screen does. */
export async function runCredentialTest(
	store: CredentialStore,
	log?: RequestLog[],
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const test = store.type.test as ICredentialTestRequest | undefined;
	if (!test) throw new Error(`${store.type.name} has no declarative test`);
	const request = resolveDeep(test.request, store.data) as IHttpRequestOptions;
	try {
		const response = (await httpRequestWithAuthentication(
			store,
			{ ...request, url: request.url ?? '', returnFullResponse: true, ignoreHttpStatusErrors: true },
			log,
		)) as { statusCode: number; body: unknown };
		for (const rule of test.rules ?? []) {
			if (rule.type === 'responseCode' && response.statusCode === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (response.statusCode >= 400) return { status: 'Error', message: `Status ${response.statusCode}` };
		return { status: 'OK', message: 'Connection tested successfully' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
