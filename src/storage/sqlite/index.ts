export { SqliteStorage } from './sqlite-storage.js';
