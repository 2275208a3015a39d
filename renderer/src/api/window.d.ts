import type { Api } from '../../../core/api/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser preview. */
    api?: Api;
  }
}

export {};
