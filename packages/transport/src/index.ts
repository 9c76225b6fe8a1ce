// Public API of packages/transport. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/transport';
