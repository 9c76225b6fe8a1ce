// Public API of @parley/cli (the 'parley' command).
export const PACKAGE_NAME = '@parley/cli';
