// Preload (`node -r ./test-e2e/install/offline-catalogue.js node_modules/node-red-dev/bin/run
// validate ...`) that lets node-red-dev's scorecard run without the Flow Library.
//
// node-red-dev 0.1.6 fetches the Flow Library catalogue with axios 0.21
// (`axios.get('https://catalogue.nodered.org/catalogue.json')`, src/libs/checkpackage.js for
// P08 "similar names" and src/libs/checknodes.js for N01 "unique node types"); where that host
// cannot be reached the whole validation stops. This answers exactly that URL, on every axios
// copy loaded in the process, with an empty catalogue (or the JSON file named by
// OFFLINE_CATALOGUE_FILE), and leaves every other request — the npm registry lookups of P06,
// P07, D02 and D03 — untouched. Each answer is noted on stderr.
'use strict';

const fs = require('node:fs');
const Module = require('node:module');

const CATALOGUE_URL = 'https://catalogue.nodered.org/catalogue.json';

function catalogue() {
  const file = process.env.OFFLINE_CATALOGUE_FILE;
  if (file) return JSON.parse(fs.readFileSync(file, 'utf8'));
  return { name: 'Node-RED Community catalogue (offline, empty)', updated_at: new Date(0).toISOString(), modules: [] };
}

function fullUrl(config) {
  const url = String(config.url || '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || !config.baseURL) return url;
  return String(config.baseURL).replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}

function isCatalogue(config) {
  let url;
  try {
    url = new URL(fullUrl(config));
  } catch {
    return false;
  }
  const method = String(config.method || 'get').toLowerCase();
  return method === 'get' && url.protocol === 'https:' && url.host === 'catalogue.nodered.org' && url.pathname === '/catalogue.json';
}

function answer(config) {
  const data = catalogue();
  process.stderr.write(`[offline-catalogue] answered GET ${CATALOGUE_URL} with ${data.modules.length} module(s)\n`);
  return Promise.resolve({
    data,
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'application/json' },
    config,
    request: {},
  });
}

const patched = new WeakSet();

function patch(axios) {
  if (!axios || (typeof axios !== 'function' && typeof axios !== 'object') || patched.has(axios)) return;
  if (!axios.interceptors || !axios.interceptors.request || typeof axios.interceptors.request.use !== 'function') return;
  patched.add(axios);
  axios.interceptors.request.use((config) => {
    if (isCatalogue(config)) config.adapter = answer;
    return config;
  });
  // Instances made later with axios.create() get the same interceptor.
  if (typeof axios.create === 'function') {
    const create = axios.create;
    axios.create = function (...args) {
      const instance = create.apply(this, args);
      patch(instance);
      return instance;
    };
  }
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  if (request === 'axios' || /(^|[\\/])node_modules[\\/]axios([\\/](index\.js|lib[\\/]axios\.js))?$/.test(request)) {
    patch(exported);
    if (exported && exported.default && exported.default !== exported) patch(exported.default);
  }
  return exported;
};

module.exports = { CATALOGUE_URL };
