/** Seed files (dev): fixed keys, material and aliases at start (docs/seed-files.md). */
export { applySeed, type SeedResult } from './apply.js';
export { exportSeed, type ExportOptions } from './export.js';
export { materialFromText, materialToText, seededMaterialId } from './material.js';
export { parseSeed, readSeedFile, SeedError, type Seed } from './parse.js';
