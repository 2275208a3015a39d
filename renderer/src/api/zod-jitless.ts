// Must be imported before anything that imports the API contract. zod decides at schema
// construction whether to compile a fast path with `new Function`; under our CSP that probe
// is reported as a violation (zod recovers, but the report is noise that would hide real
// ones). jitless skips the probe. Module order guarantees this runs first where imported first.
import { z } from 'zod';

z.config({ jitless: true });
