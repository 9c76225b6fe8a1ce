// Test plumbing shared by Parley's packages and apps (private; consumed as TypeScript source).
export { createTestCa, type Issued, LOCALHOST_SERVER, selfSign, type TestCa } from './certificates.js';
export { CHROMIUM_PATH, chromiumSkipReason, haveChromium, launchChromium } from './chromium.js';
export {
  spawnAndWaitForLine,
  stopChild,
  type WaitForLineOptions,
  waitForLine,
} from './processes.js';
