/**
 * The shape of the code, checked by `npm run lint` (bullmq runs madge before its tests the same
 * way): apps depend on packages, never the other way round and never on each other; the
 * sandbox knows nothing of HTTP or of the queue; nothing imports in a circle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order and ownership unclear.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'packages-not-to-apps',
      severity: 'error',
      comment: 'Dependencies point from apps to packages, never back.',
      from: { path: '^packages/' },
      to: { path: '^apps/|^node_modules/@job-runner/(api|worker)' },
    },
    {
      name: 'apps-not-to-each-other',
      severity: 'error',
      comment: 'An app shares code with another only through a package.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'sandbox-knows-no-http-or-queue',
      severity: 'error',
      comment: 'The sandbox runs programs; HTTP and BullMQ are other packages’ business.',
      from: { path: '^packages/sandbox/' },
      to: {
        path: '^node_modules/(express|busboy|bullmq|ioredis|@bull-board)/|^packages/(jobs|bootstrap|config)/',
      },
    },
    {
      name: 'into-packages-through-their-entry',
      severity: 'error',
      comment: 'A package is used through its index (its workspace link), not its files.',
      from: { path: '^(apps|packages)/([^/]+)/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/([^/]+)/src/(?!index\\.ts$)', pathNot: '^packages/$2/' },
    },
    {
      name: 'spans-through-the-api-alone',
      severity: 'error',
      comment:
        'Code that makes spans uses OpenTelemetry’s API alone (a no-op until a process sets up tracing); the SDK and exporter are set up once per process, by packages/telemetry.',
      from: { path: '^(apps|packages)/', pathNot: '^packages/telemetry/|\\.test\\.ts$' },
      to: { path: '^node_modules/@opentelemetry/(?!api/)' },
    },
    {
      name: 'client-on-fetch-alone',
      severity: 'error',
      comment:
        'The SDK and CLI run anywhere fetch does: Node built-ins only, and the server packages for their types alone.',
      from: { path: '^packages/client/src/', pathNot: '\\.test\\.ts$' },
      to: {
        path: '^node_modules/|^packages/(?!client/)',
        dependencyTypesNot: ['type-only', 'core'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Our own build output only: a library's dist/ (bullmq's entry is there) must stay visible.
    exclude: { path: '^(apps|packages)/[^/]+/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    preserveSymlinks: false,
    // Workspace packages resolve to their sources, as in the tests.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['jr-source', 'require', 'node', 'default'],
    },
  },
};
