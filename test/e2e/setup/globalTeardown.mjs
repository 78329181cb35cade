// Stops the n8n that globalSetup started, whatever the tests did. N8N_E2E_KEEP_LOG=<file> keeps n8n's log.
import { copyFileSync, rmSync } from 'node:fs';

export default async function globalTeardown() {
	const harness = globalThis.__N8N_E2E_HARNESS__;
	if (harness && process.env.N8N_E2E_KEEP_LOG) {
		copyFileSync(harness.server.logFile, process.env.N8N_E2E_KEEP_LOG);
		process.stderr.write(`n8n log kept at ${process.env.N8N_E2E_KEEP_LOG}\n`);
	}
	globalThis.__N8N_E2E_CONTROL__?.close();
	if (harness) await harness.stop();
	if (globalThis.__N8N_E2E_STATE_FILE__) rmSync(globalThis.__N8N_E2E_STATE_FILE__, { force: true });
}
