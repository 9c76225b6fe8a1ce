// Public API of packages/facade. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/facade';
