// sdkflow runs Versori's TypeScript SDK (versori/versori-js-sdk, checked at 71452250189b; not on
// npm) against a running connectormock: all 48 Connect v1 operations in one flow, then, with
// "cookie", the SDK's cookie auth: the README's SDK row. It is no test of the module; it needs
// the SDK's sources beside it and esbuild from the npm registry:
//
//   git --git-dir=<a clone of versori-js-sdk>/.git archive 7145225 packages/sdk | tar -x -C sdk
//   npm install esbuild@0.24 && npx esbuild flow.ts --bundle --platform=node --outfile=flow.js
//   node flow.js http://127.0.0.1:8080 && node flow.js http://127.0.0.1:8080 cookie
//
// (or a sandbox's url). One line per step; the exit status is 1 if any step failed. Bundled with
// --platform=browser and given the base URL by the page, the same flow runs in a browser page of
// another origin (CORS), with the OAuth2 authorize URL loaded in a frame instead of fetched.
import { configureSdk } from './sdk/packages/sdk/src/configureSdk';
import { connectApi } from './sdk/packages/sdk/src/connect/v1';
import { ApiError } from './sdk/packages/sdk/src/error';

const base = process.argv[2];
const called = new Set<string>();
const api: typeof connectApi = new Proxy(connectApi, { get(t: any, k: string) { called.add(k); return t[k]; } });
const org = '01JTJJEWXWNVE4XGCY2G7A878P';
let n = 0, fails = 0;
const short = (x: any) => (JSON.stringify(x) ?? '').slice(0, 110);
async function step(name: string, f: () => Promise<any>): Promise<any> {
  n++;
  try { const r = await f(); const d = r && 'response' in r ? r.data : r; console.log('ok  ', name, short(d)); return d; }
  catch (e: any) { fails++; console.log('FAIL', name, e instanceof ApiError ? `${e.response.status} ${short(e.error)}` : e); }
}
async function refused(name: string, status: number, f: () => Promise<any>) { // f passes throwOnError: true itself (see README)
  n++;
  try { await f(); fails++; console.log('FAIL', name, 'succeeded, expected', status); }
  catch (e: any) {
    if (e instanceof ApiError && e.response.status === status) console.log('ok  ', name, status, e.message.slice(0, 90));
    else { fails++; console.log('FAIL', name, e instanceof ApiError ? `${e.response.status} ${short(e.error)}` : e); }
  }
}
function check(name: string, cond: boolean, info: any = '') { n++; if (cond) console.log('ok  ', name); else { fails++; console.log('FAIL', name, short(info)); } }

async function flow() {
  configureSdk({ baseUrl: base + '/api', auth: { type: 'api-key', token: 'mock-admin-token' } });
  const V1 = base + '/api/connect/v1';
  const oauth = { id: '01JV8TMEFKPCQ0K4HJXA8850AV', schemeType: 'oauth2', description: 'Mock provider', authorizeUrl: V1 + '/oauth2/authorize', tokenUrl: V1 + '/oauth2/token', scopes: [{ name: 'read', description: 'r' }], defaultScopes: ['read'], grant: { grantType: 'authorization_code' } } as any;
  await step('listCategories', () => api.listCategories());
  await step('listProtocols', () => api.listProtocols({ path: { organisation_id: org } }));
  await step('listAuthSchemes', () => api.listAuthSchemes({ path: { organisation_id: org, protocol_slug: 'http' } }));
  const h = await step('createHttpConnector', () => api.createHttpConnector({ path: { organisation_id: org }, body: { name: 'sdk-flow', baseUrl: 'https://api.example.com', authSchemeConfigs: [oauth], connectionVariables: [{ name: 'region', value: 'eu' }] } }));
  if (!h) { console.log('cannot go on'); process.exit(1); }
  const P = { organisation_id: org, connector_id: h.id };
  await step('getConnector', () => api.getConnector({ path: P }));
  await step('updateConnector', () => api.updateConnector({ path: P, body: { ...h, name: 'sdk-flow-2', baseUrl: 'https://api2.example.com' } }));
  await step('updateConnectorTags', () => api.updateConnectorTags({ path: P, body: { tags: { tier: ['gold'] } } }));
  await step('updateConnectorCategories', () => api.updateConnectorCategories({ path: P, body: { categories: ['CRM'] } }));
  const lc = await step('listConnectors', () => api.listConnectors({ path: { organisation_id: org }, query: { first: 5 } as any }));
  if (lc?.next) await step('listConnectors page 2', () => api.listConnectors({ path: { organisation_id: org }, query: { first: 5, after: lc.next } as any }));
  await step('upsertAuthSchemeConfig', () => api.upsertAuthSchemeConfig({ path: { ...P, auth_scheme_config_id: '01JV8TMEFKPCQ0K4HJXA8851AV' }, body: { id: '01JV8TMEFKPCQ0K4HJXA8851AV', schemeType: 'api-key', description: 'key', name: 'X-Key', in: 'header' } as any }));
  await step('createConnectorVersion (first)', () => api.createConnectorVersion({ path: P, body: { name: '1.0.0', description: 'first' } }));
  const vs = await step('listConnectorVersions', () => api.listConnectorVersions({ path: P }));
  const v0 = vs?.items?.[0]?.name ?? 'none';
  const V = { ...P, version: v0 };
  await step('createDefinitions', () => api.createDefinitions({ path: V, body: { definitions: [{ name: 'City', accept: ['application/json'], schema: { contentType: 'application/schema+json', content: '{"type":"object","properties":{"name":{"type":"string"}}}' } }] } }));
  await step('getDefinitions', () => api.getDefinitions({ path: V }));
  const d = await step('getDefinition', () => api.getDefinition({ path: { ...V, definition_name: 'City' } }));
  await step('updateDefinition', () => api.updateDefinition({ path: { ...V, definition_name: 'City' }, body: { id: d?.id, name: 'Town', accept: ['application/json'] } }));
  await step('getRawSchema', () => api.getRawSchema({ path: { ...P, version: v0, schema_filename: 'Town.json' } }));
  await step('createAction', () => api.createAction({ path: V, body: { type: 'http', name: 'towns', method: 'GET', path: '/towns', parameters: [], responses: [{ status: 200, definitions: [{ definition: { name: 'Town' } }] }] } as any }));
  await step('getActions', () => api.getActions({ path: V }));
  const a = await step('getAction', () => api.getAction({ path: { ...V, action_name: 'towns' } }));
  await step('updateAction', () => api.updateAction({ path: { ...V, action_name: 'towns' }, body: { ...a, summary: 'Towns' } }));
  await step('createTrigger', () => api.createTrigger({ path: V, body: { type: 'http', name: 'townAdded', method: 'POST', parameters: [], responses: [] } as any }));
  await step('getTriggers', () => api.getTriggers({ path: V }));
  const tr = await step('getTrigger', () => api.getTrigger({ path: { ...V, trigger_name: 'townAdded' } }));
  await step('updateTrigger', () => api.updateTrigger({ path: { ...V, trigger_name: 'townAdded' }, body: { ...tr, method: 'PUT' } }));
  await step('publishConnector', () => api.publishConnector({ path: V }));
  await refused('publishConnector again (409)', 409, () => api.publishConnector({ path: V, throwOnError: true }));
  await step('createConnectorVersion', () => api.createConnectorVersion({ path: P, body: { name: '2.0.0', fromVersion: v0 } }));
  const v2 = await step('getConnectorVersion', () => api.getConnectorVersion({ path: { ...P, version: '2.0.0' } }));
  await step('updateConnectorVersion', () => api.updateConnectorVersion({ path: { ...P, version: '2.0.0' }, body: { ...v2, description: 'changed' } }));
  await step('unpublishConnector', () => api.unpublishConnector({ path: V }));
  // connections: credentials, then the OAuth2 flow through the mock's own provider
  const c = await step('createConnectorConnection', () => api.createConnectorConnection({ path: P, body: { name: 'conn', variables: [{ name: 'region', value: 'eu' } as any], credentials: { action: [{ authSchemeConfig: oauth, credential: { name: 'client', type: 'oauth2-client', data: { clientId: 'cid', clientSecret: 'secret', authorizeUrl: V1 + '/oauth2/authorize', tokenUrl: V1 + '/oauth2/token' } } as any }] } } as any }));
  await step('listConnectorConnections', () => api.listConnectorConnections({ path: P }));
  await step('getConnection', () => api.getConnection({ path: { ...P, connection_id: c?.id } }));
  await step('updateConnection', () => api.updateConnection({ path: { ...P, connection_id: c?.id }, body: { id: c?.id, name: 'conn2' } as any }));
  const init = await step('initialiseOAuth2Connection', () => api.initialiseOAuth2Connection({ path: P, body: { credential: { id: c?.credentials?.action?.[0]?.credential?.id, organisationId: org }, authorizeUrl: V1 + '/oauth2/authorize', clientId: 'cid', scopes: ['read'] } as any }));
  if (init?.url) {
    const r1 = await fetch(init.url, { redirect: 'manual' });
    const loc = r1.headers.get('location') ?? '';
    const r2 = await fetch(loc, { redirect: 'manual' });
    const body = await r2.text();
    check('oauth2 authorize -> callback', r1.status >= 300 && r1.status < 400 && r2.status < 400, `${r1.status} ${loc} ${r2.status} ${body.slice(0, 200)}`);
    const after = await step('getConnection after OAuth2', () => api.getConnection({ path: { ...P, connection_id: c?.id } }));
    console.log('     credentials after OAuth2:', JSON.stringify(after?.credentials?.action?.map((x: any) => [x.credential.type, x.credential.name])));
  }
  await step('deleteConnection', () => api.deleteConnection({ path: { ...P, connection_id: c?.id } }));
  await refused('deleteDefinitions referenced (412)', 412, () => api.deleteDefinitions({ path: V, body: { names: ['Town'] } as any, throwOnError: true }));
  await step('deleteTrigger', () => api.deleteTrigger({ path: { ...V, trigger_name: 'townAdded' } }));
  await step('deleteAction', () => api.deleteAction({ path: { ...V, action_name: 'towns' } }));
  await step('deleteDefinition', () => api.deleteDefinition({ path: { ...V, definition_name: 'Town' } }));
  await step('deleteDefinitions (2.0.0, all, force)', () => api.deleteDefinitions({ path: { ...P, version: '2.0.0' }, query: { force: true }, body: { all: true } as any }));
  await step('deleteConnectorVersion', () => api.deleteConnectorVersion({ path: { ...P, version: '2.0.0' } }));
  await step('deleteAuthSchemeConfig', () => api.deleteAuthSchemeConfig({ path: { ...P, auth_scheme_config_id: '01JV8TMEFKPCQ0K4HJXA8851AV' } }));
  // upload URL + import
  const up = await step('getProtocolUploadUrl', () => api.getProtocolUploadUrl({ path: { organisation_id: org, protocol_slug: 'http' } }));
  const doc = 'openapi: 3.0.3\ninfo: {title: Ping, version: 2.0.0}\npaths: {/ping: {get: {operationId: ping, responses: {"200": {description: ok}}}}}\n';
  const put = await fetch(up.uploadUrl, { method: 'PUT', body: doc, headers: { 'Content-Type': 'application/yaml' } });
  check('upload PUT ' + up.uploadUrl, put.ok, put.status);
  const imp = await step('importHttpConnector', () => api.importHttpConnector({ path: { organisation_id: org }, body: { schemaURL: up.url, format: 'openapi' } as any }));
  await step('importHttpConnectorVersion', () => api.importHttpConnectorVersion({ path: { organisation_id: org, connector_id: imp?.connector?.id }, body: { schemaURL: up.url, format: 'openapi', version: '3.0.0' } as any }));
  // public library
  const pub = await step('listPublicConnectors', () => api.listPublicConnectors({ query: { first: 3 } as any }));
  const pc = pub?.connectors?.[0] ?? pub?.items?.[0];
  await step('importPublicConnectorVersion', () => api.importPublicConnectorVersion({ path: { organisation_id: org, connector_id: pc?.id, version: 'latest' } }));
  await step('createBigQueryConnector', () => api.createBigQueryConnector({ path: { organisation_id: org }, body: { name: 'bq', datasetId: 'proj.ds', connections: [] } as any }));
  await step('deleteConnector', () => api.deleteConnector({ path: P }));
  await refused('getConnector after delete (404)', 404, () => api.getConnector({ path: P, throwOnError: true }));
  console.log(`${called.size} operations called; ${n} steps, ${fails} failed`);
  process.exitCode = fails > 0 || called.size !== 48 ? 1 : 0;
}

// The SDK's cookie auth only sets credentials: 'include' (a browser sends its cookie); in
// Node the cookie a browser would hold is given as a header.
async function cookie() {
  configureSdk({ baseUrl: base + '/api', auth: { type: 'cookie' }, headers: { Cookie: 'cookie=mock-admin-token' } } as any);
  await step('cookie auth: listConnectors', () => connectApi.listConnectors({ path: { organisation_id: org }, query: { first: 1 } as any }));
  await step('cookie auth: createHttpConnector', () => connectApi.createHttpConnector({ path: { organisation_id: org }, body: { name: 'cookie-made', baseUrl: 'https://c.example.com', authSchemeConfigs: [] } }));
  await refused('no cookie (401)', 401, () => connectApi.listConnectors({ path: { organisation_id: org }, headers: { Cookie: '' }, throwOnError: true } as any));
  await refused('read-only cookie, create (403)', 403, () => connectApi.createHttpConnector({ path: { organisation_id: org }, headers: { Cookie: 'cookie=mock-readonly-token' }, body: { name: 'x', baseUrl: 'https://x', authSchemeConfigs: [] }, throwOnError: true } as any));
  console.log(`cookie: ${n} steps, ${fails} failed`);
  process.exitCode = fails > 0 ? 1 : 0;
}

if (process.argv[3] === 'cookie') cookie(); else flow();
