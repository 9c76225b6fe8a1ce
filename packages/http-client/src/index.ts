// Public API of packages/http-client. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/http-client';
