#!/usr/bin/env node
// prepublishOnly: refuses a publish from anywhere but the publish workflow on a version tag. n8n's verification
// and its community-package scanner require npm provenance, which only a CI publish can attest; a publish from a
// laptop would ship a package n8n refuses. (publishConfig.provenance also makes npm itself refuse a publish outside
// CI, even where this script is skipped by ignore-scripts.)
const WORKFLOW = /^[^/]+\/[^/]+\/\.github\/workflows\/publish\.yml@refs\/tags\//;

const env = process.env;
const fromWorkflow = env.GITHUB_ACTIONS === 'true' && WORKFLOW.test(env.GITHUB_WORKFLOW_REF ?? '');
const withProvenance = env.npm_config_provenance === 'true';

if (!fromWorkflow || !withProvenance) {
	const why = !fromWorkflow
		? 'this is not the publish workflow (.github/workflows/publish.yml) running on a version tag'
		: 'the publish was started without --provenance';
	process.stderr.write(
		`Publishing refused: ${why}.\n` +
			'n8n only accepts community packages published with npm provenance, from GitHub Actions.\n' +
			'To release: set the version in package.json, add its CHANGELOG entry, commit, then\n' +
			'  git tag v<version> && git push origin main v<version>\n' +
			'and the publish workflow builds, tests and publishes it. See "Releasing" in CONTRIBUTING.md.\n',
	);
	process.exit(1);
}
