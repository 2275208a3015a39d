#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write('tf-assessor: the CLI is not built yet; run `npm ci` (or `npm run build`) in the project folder first.\n');
  process.exit(2);
}
require(built);
