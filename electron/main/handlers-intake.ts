/**
 * Handlers of the channels in core/api/contract-intake.ts. Pure Node (no Electron import):
 * the same functions serve IPC and the browser bridge. Electron-only capabilities come in
 * through `IntakeHandlerDeps` (injected by electron/main/index.ts; absent in the preview).
 */
import { ApiFailure, type ArgsOf, type ResultOf } from '../../core/api/contract';
import { intakeChannels } from '../../core/api/contract-intake';
import type { PackRoot } from '../../core/node/packs';
import type { AssessmentService } from './services/assessments';
import { createReviewService, type ReviewService } from './services/reviews';
import { defaultAppPackRoots } from './services/packs';
import { createTrustStore } from './services/trust-store';

type IntakeChannel = keyof typeof intakeChannels;
export type IntakeHandlers = { [C in IntakeChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** Extra dependencies of these handlers; every field optional (HandlerDeps extends this). */
export interface IntakeHandlerDeps {
  /** Desktop only: a native dialog for `.tfpkg` files (electron/main/app/dialogs.ts). [] when cancelled. */
  pickPackages?: () => Promise<string[]>;
  /** Where the trusted packs are installed; default: the built-in criteria and `<dataDir>/packs`. */
  packRoots?: PackRoot[];
  /** A service built by the caller (shared with the upload route and OS open requests); default: built from the deps above. */
  reviews?: ReviewService;
}

/** The review service (and its trust store) for a set of handler deps. */
export function reviewServiceFor(deps: IntakeHandlerDeps & { dataDir: string }): ReviewService {
  return (
    deps.reviews ??
    createReviewService({
      dataDir: deps.dataDir,
      packRoots: deps.packRoots ?? defaultAppPackRoots(deps.dataDir),
      trust: createTrustStore({ dataDir: deps.dataDir }),
    })
  );
}

export function createIntakeHandlers(deps: IntakeHandlerDeps & { dataDir: string; host: 'electron' | 'bridge' }, assessments: AssessmentService): IntakeHandlers {
  // Reviews are independent of open assessments: a review is read-only and has no workspace.
  void assessments;
  const reviews = reviewServiceFor(deps);
  const { trust } = reviews;
  return {
    'tfa:trust:list': () => trust.list(),
    'tfa:trust:add': ({ text, label }) => trust.add(text, label),
    'tfa:trust:remove': ({ fingerprintSha256 }) => trust.remove(fingerprintSha256),
    'tfa:reviews:list': () => reviews.list(),
    'tfa:reviews:import': ({ source }) => reviews.importSource(source),
    'tfa:reviews:get': ({ review }) => reviews.get(review),
    'tfa:reviews:reverify': ({ review }) => reviews.reverify(review),
    'tfa:reviews:remove': ({ review }) => reviews.remove(review),
    'tfa:reviews:evidencePreview': ({ review, hash }) => reviews.evidencePreview(review, hash),
    'tfa:reviews:compare': ({ base, other }) => reviews.compare(base, other),
    'tfa:dialogs:pickPackages': async () => {
      if (!deps.pickPackages) {
        throw new ApiFailure('bad-request', 'Choosing packages needs the desktop app; in the preview, upload the .tfpkg file instead.');
      }
      return reviews.registerFiles(await deps.pickPackages());
    },
  };
}
