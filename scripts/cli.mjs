// The command line of the package's scripts (simulate, test:load, test:queue, bench/e2e): one way to read
// options, ask for help and refuse a bad value.
import { parseArgs } from 'node:util';

/**
 * Parses a command's options (`--help`/`-h` included). `--help` prints `help` and exits 0. `fail` prints the
 * reason and how to get help, and exits 2, as does a command line that does not parse. `number` reads a
 * numeric option within bounds, or gives undefined when it is absent; `choice` reads an option that takes
 * one of some values, the first when it is absent.
 * @param {{ name: string, rerun: string, help: string, options: object, allowPositionals?: boolean }} command
 */
export function commandLine({ name, rerun, help, options, allowPositionals = false }) {
	const fail = (message) => {
		process.stderr.write(`${name}: ${message}\nRun "${rerun} --help" for usage.\n`);
		process.exit(2);
	};
	let parsed;
	try {
		parsed = parseArgs({ allowPositionals, options: { ...options, help: { type: 'boolean', short: 'h' } } });
	} catch (error) {
		fail(error.message);
	}
	if (parsed.values.help) {
		process.stdout.write(help);
		process.exit(0);
	}
	const number = (value, option, { min, max, integer = true }) => {
		if (value === undefined) return undefined;
		const parsedValue = Number(value);
		if (!Number.isFinite(parsedValue) || (integer && !Number.isInteger(parsedValue)) || parsedValue < min || parsedValue > max) {
			fail(`--${option} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got "${value}"`);
		}
		return parsedValue;
	};
	const choice = (option, values) => {
		const value = parsed.values[option] ?? values[0];
		if (!values.includes(value)) fail(`--${option} must be ${values.join(' or ')}; got "${value}"`);
		return value;
	};
	return { args: parsed.values, positionals: parsed.positionals, fail, number, choice };
}
