// Public API of apps/chat. Filled in by its own issue.
export const PACKAGE_NAME = '@parley/chat';
