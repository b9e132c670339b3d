/**
 * Dependency direction (docs/ARCHITECTURE.md § Tiers). A module imports only the `contract` of
 * modules in its own or a lower tier; nothing imports a module's `server` or `web` except the
 * composition roots (apps/server, apps/web). Exceptions are listed by name in `allowedExceptions`.
 *
 * tier 0: packages/kernel, packages/platform, packages/ui
 * tier 1: auth, contact, openplatform, events, realtime
 * tier 2: im
 */
const TIER = { auth: 1, contact: 1, openplatform: 1, events: 1, realtime: 1, im: 2 };
const modules = Object.keys(TIER);

/** Named exceptions, each with its reason. */
const allowedExceptions = [
  {
    // The test harness starts the real server; only tests import it.
    from: '^packages/testing/',
    to: '^apps/server/src/(kite|config)\\.ts$',
  },
];

const higherTier = (tier) => modules.filter((m) => TIER[m] > tier);

module.exports = {
  forbidden: [
    {
      name: 'kernel-is-a-leaf',
      comment: 'packages/kernel depends on nothing else in the repo',
      severity: 'error',
      from: { path: '^packages/kernel/' },
      to: { path: '^(packages/(platform|ui|testing)|modules|apps)/' },
    },
    {
      name: 'platform-below-modules',
      comment: 'packages/platform knows no module and no app',
      severity: 'error',
      from: { path: '^packages/platform/' },
      to: { path: '^(packages/(ui|testing)|modules|apps)/' },
    },
    {
      name: 'ui-knows-no-module',
      severity: 'error',
      from: { path: '^packages/ui/' },
      to: { path: '^(modules|apps|packages/(platform|testing))/' },
    },
    {
      name: 'only-contracts-across-modules',
      comment: "A module may import another module's contract only, never its server or web code",
      severity: 'error',
      from: { path: '^modules/([^/]+)/' },
      to: { path: '^modules/([^/]+)/(server|web)/', pathNot: '^modules/$1/' },
    },
    {
      name: 'contracts-are-pure',
      comment: 'A contract imports only kernel, platform types and other contracts',
      severity: 'error',
      from: { path: '^modules/[^/]+/contract/' },
      to: { path: '^(apps|packages/(ui|testing))/|^modules/[^/]+/(server|web)/' },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      from: { path: '^(modules/[^/]+/server|apps/server)/' },
      to: { path: '^(modules/[^/]+/web|apps/web|packages/ui)/' },
    },
    {
      name: 'web-not-server',
      comment: 'Browser code never reaches server code; the e2e tests (Node side, apps/web/e2e) start a real server',
      severity: 'error',
      from: { path: '^(modules/[^/]+/web|apps/web|packages/ui)/', pathNot: '^apps/web/e2e/' },
      to: { path: '^(modules/[^/]+/server|apps/server|packages/(platform|testing))/' },
    },
    ...modules.map((module) => ({
      name: `tier-${module}`,
      comment: `${module} (tier ${TIER[module]}) may not depend on a higher tier`,
      severity: 'error',
      from: { path: `^modules/${module}/` },
      to: { path: higherTier(TIER[module]).length ? `^modules/(${higherTier(TIER[module]).join('|')})/` : '^$' },
    })),
    {
      name: 'nothing-imports-apps',
      severity: 'error',
      from: { path: '^(packages|modules)/', pathNot: allowedExceptions.map((e) => e.from) },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
