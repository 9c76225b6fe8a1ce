// Public API of apps/echo. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/echo';
