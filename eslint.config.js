// ESLint: typescript-eslint's type-aware rules (a missing await on an authorization or audit call
// is a security bug) and the folder import rules of STYLE.md's layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Each folder may import only these folders of ours (STYLE.md "Allowed imports"). */
const allowed = {
  crypto: [],
  domain: ['crypto'],
  policy: ['domain'],
  keystore: ['domain', 'crypto'],
  storage: ['domain'],
  metering: ['domain', 'storage'],
  // Request quotas (README, "Request quotas"): tables and buckets, no I/O.
  quotas: ['domain'],
  model: [],
  protocol: ['model', 'domain'],
  auth: ['domain'],
  // A service uses the core, its protocol and the pipeline, never another service (STYLE.md).
  services: ['domain', 'crypto', 'policy', 'model', 'keystore', 'storage', 'protocol', 'pipeline', 'audit', 'auth', 'quotas'],
  // The pipeline is shared by every service; it names KMS's types in Services, nothing else of them.
  pipeline: ['domain', 'crypto', 'policy', 'model', 'keystore', 'storage', 'protocol', 'audit', 'auth', 'services', 'quotas'],
};
const folders = ['crypto', 'domain', 'policy', 'keystore', 'storage', 'model', 'protocol', 'auth', 'services', 'pipeline', 'server', 'cli', 'audit', 'metering', 'config', 'seed', 'quotas'];
const SERVICES = ['kms', 'iam', 'sts'];

/** The SM2 library is allowed for SM2DSA and SM2PKE only, so in one file (docs/architecture.md, "SM2"). */
const SM2_MODULE = 'src/crypto/sm2.ts';
const sm2Library = { group: ['sm-crypto-v2'], message: `only ${SM2_MODULE} imports sm-crypto-v2 (SM2DSA and SM2PKE only)` };
/** The PKCS#11 binding is keystore/pkcs11's alone (STYLE.md: only keystore/pkcs11 imports it). */
const PKCS11_FILES = 'src/keystore/pkcs11/**/*.ts';
const pkcs11Binding = { group: ['pkcs11js', 'graphene-pk11'], message: 'only src/keystore/pkcs11/ imports the PKCS#11 binding' };

const importRule = (folder, ok, files, allowSm2 = false, allowPkcs11 = false) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...folders
            .filter((f) => f !== folder && !ok.includes(f))
            .map((f) => ({ group: [`../${f}/*`, `../${f}`, `../../${f}/*`, `../../${f}`, `../../../${f}/*`, `../../../${f}`], message: `${folder}/ may not import ${f}/ (STYLE.md layout)` })),
          ...(folder === 'services'
            ? [{ group: SERVICES.flatMap((s) => [`../${s}/*`, `../../${s}/*`]), message: 'a service calls another only through the pipeline, never by importing it (STYLE.md)' }]
            : []),
          ...(folder === 'storage' ? [] : [{ group: ['better-sqlite3', 'pg'], message: 'only storage/ imports database drivers' }]),
          { group: ['node:http', 'node:https', 'node:net'], message: 'the core knows nothing of HTTP' },
          ...(allowSm2 ? [] : [sm2Library]),
          ...(allowPkcs11 ? [] : [pkcs11Binding]),
        ].filter((p) => !(['protocol', 'operations'].includes(folder) && p.group.includes('node:http') && false)),
      },
    ],
  },
});
const importRules = [
  ...Object.entries(allowed).map(([folder, ok]) => importRule(folder, ok, [`src/${folder}/**/*.ts`])),
  importRule('crypto', allowed.crypto, [SM2_MODULE], true),
  importRule('keystore', allowed.keystore, [PKCS11_FILES], false, true),
  // The folders without an import rule of their own still may not import the two libraries.
  {
    files: folders.filter((f) => !(f in allowed)).map((f) => `src/${f}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', { patterns: [sm2Library, pkcs11Binding] }] },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/model/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...importRules,
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
