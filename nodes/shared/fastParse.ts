import type { SafeParseReturnType, ZodType, ZodTypeDef } from 'zod';

/**
 * A fast path for zod 3 schemas. zod's `safeParse` builds a parse context, a status and an issue list for
 * every value; on a 100-event batch that is most of a trigger's cost. This walks the schema's definition
 * once and builds plain functions that give exactly the value zod would give for input zod accepts, and
 * `FAIL` otherwise. The zod schema stays the source of truth: a failure is parsed again by zod for its
 * messages, and a kind of schema not handled here is handed to zod as it is.
 *
 * Followed to the letter (zod 3.25's `types.js`): unknown keys stripped, passed through or refused; an
 * output key set when its value is defined or the key was in the input; `__proto__` never set; string
 * checks run in order, `trim` and case changes applying to the checks after them; NaN is not a number;
 * unions take their first option that parses cleanly; an effect that reports an issue fails.
 */
export const FAIL: unique symbol = Symbol('fail');
type Parse = (value: unknown) => unknown;

interface Check {
	kind: string;
	value?: unknown;
	inclusive?: boolean;
	regex?: RegExp;
	position?: number;
}

interface Definition {
	typeName?: string;
	checks?: Check[];
	coerce?: boolean;
	shape?: () => Record<string, ZodLike>;
	unknownKeys?: 'strip' | 'passthrough' | 'strict';
	catchall?: ZodLike;
	options?: ZodLike[];
	discriminator?: string;
	valueType?: ZodLike;
	keyType?: ZodLike;
	type?: ZodLike;
	innerType?: ZodLike;
	schema?: ZodLike;
	defaultValue?: () => unknown;
	value?: unknown;
	values?: readonly unknown[];
	effect?:
		| { type: 'refinement'; refinement: (value: unknown, ctx: EffectContext) => unknown }
		| { type: 'transform' | 'preprocess'; transform: (value: unknown, ctx: EffectContext) => unknown };
	exactLength?: { value: number } | null;
	minLength?: { value: number } | null;
	maxLength?: { value: number } | null;
}

interface ZodLike {
	_def: Definition;
	safeParse(value: unknown): { success: true; data: unknown } | { success: false };
	optionsMap?: Map<unknown, ZodLike>;
}

interface EffectContext {
	addIssue(issue: unknown): void;
	readonly path: Array<string | number>;
}

const compiled = new WeakMap<object, Parse>();

/** zod's own parse of one node, used where this file does not follow zod. */
function byZod(schema: ZodLike): Parse {
	return (value) => {
		const result = schema.safeParse(value);
		return result.success ? result.data : FAIL;
	};
}

/** What zod calls an object: not null, not an array, and none of Date, Map, Set or a promise. */
function isZodObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const prototype = Object.getPrototypeOf(value) as unknown;
	// Anything but a plain object could be one of the kinds zod tells apart: leave those to zod's rules.
	if (prototype !== Object.prototype && prototype !== null) return false;
	// zod calls an object with callable `then` and `catch` a promise.
	const candidate = value as { then?: unknown; catch?: unknown };
	return !(typeof candidate.then === 'function' && typeof candidate.catch === 'function');
}

/** Sets a key as zod's mergeObjectSync does. */
function setKey(target: Record<string, unknown>, key: string, value: unknown, present: boolean): void {
	if (key !== '__proto__' && (value !== undefined || present)) target[key] = value;
}

function stringParser(schema: ZodLike, def: Definition): Parse {
	const checks = def.checks ?? [];
	const steps: Array<(text: string) => string | typeof FAIL> = [];
	for (const check of checks) {
		const limit = check.value as number;
		switch (check.kind) {
			case 'min':
				steps.push((text) => (text.length < limit ? FAIL : text));
				break;
			case 'max':
				steps.push((text) => (text.length > limit ? FAIL : text));
				break;
			case 'length':
				steps.push((text) => (text.length !== limit ? FAIL : text));
				break;
			case 'regex': {
				const regex = check.regex as RegExp;
				steps.push((text) => {
					regex.lastIndex = 0;
					return regex.test(text) ? text : FAIL;
				});
				break;
			}
			case 'trim':
				steps.push((text) => text.trim());
				break;
			case 'toLowerCase':
				steps.push((text) => text.toLowerCase());
				break;
			case 'toUpperCase':
				steps.push((text) => text.toUpperCase());
				break;
			case 'startsWith':
				steps.push((text) => (text.startsWith(check.value as string) ? text : FAIL));
				break;
			case 'endsWith':
				steps.push((text) => (text.endsWith(check.value as string) ? text : FAIL));
				break;
			case 'includes':
				steps.push((text) => (text.includes(check.value as string, check.position) ? text : FAIL));
				break;
			default:
				return byZod(schema);
		}
	}
	return (value) => {
		if (typeof value !== 'string') return FAIL;
		let text = value;
		let failed = false;
		for (const step of steps) {
			const next = step(text);
			// zod runs every check even after one fails; only the transforms change what later ones see.
			if (next === FAIL) failed = true;
			else text = next;
		}
		return failed ? FAIL : text;
	};
}

function numberParser(schema: ZodLike, def: Definition): Parse {
	const tests: Array<(n: number) => boolean> = [];
	for (const check of def.checks ?? []) {
		const limit = check.value as number;
		switch (check.kind) {
			case 'int':
				tests.push((n) => Number.isInteger(n));
				break;
			case 'min':
				tests.push(check.inclusive ? (n) => n >= limit : (n) => n > limit);
				break;
			case 'max':
				tests.push(check.inclusive ? (n) => n <= limit : (n) => n < limit);
				break;
			case 'finite':
				tests.push((n) => Number.isFinite(n));
				break;
			default:
				return byZod(schema);
		}
	}
	return (value) => {
		if (typeof value !== 'number' || Number.isNaN(value)) return FAIL;
		for (const test of tests) if (!test(value)) return FAIL;
		return value;
	};
}

function objectParser(def: Definition): Parse {
	const shape = (def.shape as () => Record<string, ZodLike>)();
	const keys = Object.keys(shape);
	const known = new Set(keys);
	const fields = keys.map((key) => ({ key, parse: compile(shape[key]) }));
	const catchall = def.catchall && def.catchall._def.typeName !== 'ZodNever' ? compile(def.catchall) : undefined;
	const unknownKeys = catchall ? 'catchall' : (def.unknownKeys ?? 'strip');
	return (value) => {
		if (!isZodObject(value)) return FAIL;
		const output: Record<string, unknown> = {};
		for (const { key, parse } of fields) {
			const parsed = parse(value[key]);
			if (parsed === FAIL) return FAIL;
			// Whether the key was sent matters only for an undefined value: asked only then.
			setKey(output, key, parsed, parsed !== undefined || key in value);
		}
		if (unknownKeys === 'strip') return output;
		for (const key in value) {
			if (known.has(key)) continue;
			if (unknownKeys === 'strict') return FAIL;
			if (catchall) {
				const parsed = catchall(value[key]);
				if (parsed === FAIL) return FAIL;
				setKey(output, key, parsed, true);
			} else {
				setKey(output, key, value[key], false);
			}
		}
		return output;
	};
}

function effectParser(schema: ZodLike, def: Definition): Parse {
	const inner = compile(def.schema as ZodLike);
	const effect = def.effect;
	if (!effect) return byZod(schema);
	// An effect that reports an issue makes the value fail. The path is not followed here, so an effect
	// that reads it is left to zod, which gives the real one.
	// One context per effect, built once (a getter makes building one per call slow); the flag is saved and
	// restored around each call, so an effect that parses again through the same schema is still right.
	let failed = false;
	const ctx: EffectContext = {
		addIssue: () => {
			failed = true;
		},
		get path(): Array<string | number> {
			failed = true;
			return [];
		},
	};
	const run = (fn: (value: unknown, ctx: EffectContext) => unknown, value: unknown) => {
		const outer = failed;
		failed = false;
		try {
			const result = fn(value, ctx);
			return failed || result instanceof Promise ? FAIL : result;
		} finally {
			failed = outer;
		}
	};
	if (effect.type === 'refinement') {
		return (value) => {
			const parsed = inner(value);
			return parsed === FAIL || run(effect.refinement, parsed) === FAIL ? FAIL : parsed;
		};
	}
	if (effect.type === 'transform') {
		return (value) => {
			const parsed = inner(value);
			return parsed === FAIL ? FAIL : run(effect.transform, parsed);
		};
	}
	if (effect.type === 'preprocess') {
		return (value) => {
			const processed = run(effect.transform, value);
			return processed === FAIL ? FAIL : inner(processed);
		};
	}
	return byZod(schema);
}

function build(schema: ZodLike): Parse {
	const def = schema._def;
	if (def.coerce) return byZod(schema);
	switch (def.typeName) {
		case 'ZodString':
			return stringParser(schema, def);
		case 'ZodNumber':
			return numberParser(schema, def);
		case 'ZodBoolean':
			return (value) => (typeof value === 'boolean' ? value : FAIL);
		case 'ZodNull':
			return (value) => (value === null ? null : FAIL);
		case 'ZodUnknown':
		case 'ZodAny':
			return (value) => value;
		case 'ZodLiteral': {
			const literal = def.value;
			return (value) => (value === literal ? value : FAIL);
		}
		case 'ZodEnum': {
			const values = new Set(def.values);
			return (value) => (typeof value === 'string' && values.has(value) ? value : FAIL);
		}
		case 'ZodOptional': {
			const inner = compile(def.innerType as ZodLike);
			return (value) => (value === undefined ? undefined : inner(value));
		}
		case 'ZodNullable': {
			const inner = compile(def.innerType as ZodLike);
			return (value) => (value === null ? null : inner(value));
		}
		case 'ZodDefault': {
			const inner = compile(def.innerType as ZodLike);
			const fallback = def.defaultValue as () => unknown;
			return (value) => inner(value === undefined ? fallback() : value);
		}
		case 'ZodObject':
			return objectParser(def);
		case 'ZodRecord': {
			const parseKey = compile(def.keyType as ZodLike);
			const parseValue = compile(def.valueType as ZodLike);
			return (value) => {
				if (!isZodObject(value)) return FAIL;
				const output: Record<string, unknown> = {};
				for (const key in value) {
					const parsedKey = parseKey(key);
					const parsed = parseValue(value[key]);
					if (parsedKey === FAIL || parsed === FAIL) return FAIL;
					setKey(output, parsedKey as string, parsed, true);
				}
				return output;
			};
		}
		case 'ZodArray': {
			const parseItem = compile(def.type as ZodLike);
			const { exactLength, minLength, maxLength } = def;
			return (value) => {
				if (!Array.isArray(value)) return FAIL;
				const { length } = value;
				if (exactLength && length !== exactLength.value) return FAIL;
				if (minLength && length < minLength.value) return FAIL;
				if (maxLength && length > maxLength.value) return FAIL;
				const output = new Array<unknown>(length);
				for (let i = 0; i < length; i++) {
					const parsed = parseItem(value[i]);
					if (parsed === FAIL) return FAIL;
					output[i] = parsed;
				}
				return output;
			};
		}
		case 'ZodUnion': {
			const options = (def.options ?? []).map(compile);
			return (value) => {
				for (const option of options) {
					const parsed = option(value);
					if (parsed !== FAIL) return parsed;
				}
				return FAIL;
			};
		}
		case 'ZodDiscriminatedUnion': {
			const discriminator = def.discriminator as string;
			const byValue = new Map<unknown, Parse>();
			for (const [key, option] of schema.optionsMap ?? []) byValue.set(key, compile(option));
			return (value) => {
				if (typeof value !== 'object' || value === null || Array.isArray(value)) return FAIL;
				const option = byValue.get((value as Record<string, unknown>)[discriminator]);
				return option ? option(value) : FAIL;
			};
		}
		case 'ZodEffects':
			return effectParser(schema, def);
		default:
			return byZod(schema);
	}
}

function compile(schema: ZodLike): Parse {
	let parse = compiled.get(schema);
	if (!parse) {
		parse = build(schema);
		compiled.set(schema, parse);
	}
	return parse;
}

/**
 * The fast parser of a schema, built once per schema: the value zod's `safeParse` would give, or `FAIL`
 * when zod would refuse it (or might: then zod decides, and gives the reasons).
 */
export function fastParser<TOutput>(schema: ZodType<TOutput, ZodTypeDef, unknown>): (value: unknown) => TOutput | typeof FAIL {
	return compile(schema as unknown as ZodLike) as (value: unknown) => TOutput | typeof FAIL;
}

/** One per schema, as validateEvents asks for it on every delivery. */
const safeParsers = new WeakMap<object, (value: unknown) => unknown>();

/**
 * `schema.safeParse`, with the same result, through the fast path: zod runs only for a value the fast path
 * refuses, to decide and to give the reasons.
 */
export function fastSafeParse<TOutput>(
	schema: ZodType<TOutput, ZodTypeDef, unknown>,
): (value: unknown) => SafeParseReturnType<unknown, TOutput> {
	let safeParse = safeParsers.get(schema) as ((value: unknown) => SafeParseReturnType<unknown, TOutput>) | undefined;
	if (!safeParse) {
		const parse = fastParser(schema);
		safeParse = (value) => {
			const data = parse(value);
			return data === FAIL ? schema.safeParse(value) : { success: true, data };
		};
		safeParsers.set(schema, safeParse);
	}
	return safeParse;
}

