// Mocha root hooks for every spec: the real message catalogues are loaded before any test.
import { cataloguesReady } from './catalogues';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await cataloguesReady();
  },
};
