// Public API of packages/handshake. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/handshake';
