// Copies node and credential icons, and the nodes' codex files, next to the compiled files in dist/. The output
// schemas (__schema__/) are generated from zod by tools/output-schemas.cjs.
const { src, dest } = require('gulp');

function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'nodes/**/*.node.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;
