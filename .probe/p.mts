import { startTestServer } from '../test/helpers/server.js';
import { kmsSigner, kmsHeaders, signRequest, sendRaw } from '../test/helpers/sign.js';
const t = await startTestServer();
const host = new URL(t.server.url).host;
const signer = kmsSigner(t.credentials);
async function go(target: string|undefined, body: Buffer|string, extra: Record<string,string> = {}, method='POST', path='/') {
  const headers = await signRequest(signer, { method, path, headers: { ...kmsHeaders(target, host), ...extra }, body });
  const r = await sendRaw(t.server.url, { method, path, headers, body });
  console.log(target, r.status, r.headers['x-amzn-requestid'], r.body.toString().slice(0, 300));
}
await go('ListKeys', '{}');
await go('Encrypt', '{"KeyId":"alias/x","Plaintext":"QR=="}');
await go('Encrypt', '{"KeyId":"alias/x","Plaintext":"QQ=="}');
await go('GenerateRandom', '{"NumberOfBytes":1.5}');
await go('GenerateRandom', '{"NumberOfBytes":1e400}');
await go('GenerateRandom', '{"NumberOfBytes":"\\ud800"}');
await go('DescribeKey', '{"KeyId":"\\ud800"}');
await go('CreateAlias', '{"AliasName":"alias/\\ud800","TargetKeyId":"x"}');
await go('ListKeys', '{}', {}, 'GET');
await go('ListKeys', '{}', {}, 'POST', '/foo?bar=1');
await go('ListKeys', Buffer.alloc(2*1024*1024, 0x20));
await go('ListKeys', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]');
await go('ListKeys', ']]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'+'['.repeat(500000));
await go('CreateKey', '{"Tags":[{"TagKey":"a","TagValue":"b"}],"Policy":"{}"}');
await go('ListAliases', '{"Limit": 1e20}');
await go('TagResource', '{"KeyId":"x","Tags":[null]}');
await go('Encrypt', '{"KeyId":"x","Plaintext":"QQ==","EncryptionContext":{"__proto__":"x","constructor":"y"}}');
await t.stop();
