import { describe, expect, it } from 'vitest';
import { bannerFacts, envCommand, readyLogFields, renderBanner, type BannerFacts } from './banner.js';

const facts: BannerFacts = {
  url: 'http://127.0.0.1:4599',
  dev: false,
  accountId: '111122223333',
  dataDir: '/home/ada/project/.trent',
  credentialsFile: '/home/ada/project/.trent/admin-credentials.json',
  createdCredentials: true,
  defaultDataDir: '/home/ada/project/.trent',
};

describe('renderBanner', () => {
  it('says where, how strict, where the data and credentials are, and the commands for the AWS CLI', () => {
    expect(renderBanner(facts)).toBe(
      [
        '',
        '  Trent is ready at http://127.0.0.1:4599',
        '',
        '  mode         strict: every request needs a valid SigV4 signature from a known access key (account 111122223333)',
        '  data         /home/ada/project/.trent',
        '  credentials  /home/ada/project/.trent/admin-credentials.json (created now, mode 0600; the secret is only there)',
        '',
        '  Use it with the AWS CLI, in another terminal:',
        '',
        '    eval "$(npx trent env)"',
        '    aws kms create-key --description "my first key"',
        '    aws kms list-keys',
        '',
        '  The AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url "$AWS_ENDPOINT_URL" to each',
        '  aws command. SDKs read it too, or take the endpoint in their client configuration.',
        '',
        '',
      ].join('\n'),
    );
  });

  it('says an ephemeral server writes nothing, and points at no credentials file', () => {
    const eph = bannerFacts(
      { url: 'http://127.0.0.1:4599', accountId: '111122223333', createdCredentials: {} },
      { dataDir: '.trent', dev: true, ephemeral: true },
      '/home/ada/project',
    );
    const text = renderBanner(eph);
    expect(text).toContain('  data         ephemeral: nothing is written to disk');
    expect(text).toContain('  credentials  any (dev mode), e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test');
    expect(text).toContain(
      '    export AWS_ENDPOINT_URL=http://127.0.0.1:4599 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1',
    );
    expect(text).not.toContain('admin-credentials');
    expect(text).not.toContain('trent env');
    const fields = readyLogFields(eph);
    expect(fields).toMatchObject({ mode: 'dev', data: 'ephemeral: nothing is written to disk' });
    expect(JSON.stringify(fields)).not.toContain('admin-credentials');
  });

  it('warns about dev mode', () => {
    const text = renderBanner({ ...facts, dev: true, accountId: '444455556666' });
    expect(text).toContain(
      '  mode         dev: DEV MODE, signatures are NOT checked and every caller is the root of account 444455556666. Never use it for real keys.\n',
    );
    expect(text).not.toContain('strict');
  });

  it('names an existing credentials file without claiming it was just made', () => {
    expect(renderBanner({ ...facts, createdCredentials: false })).toContain(
      '  credentials  /home/ada/project/.trent/admin-credentials.json\n',
    );
  });

  it('gives `trent env` the data directory and URL when they are not the defaults, quoted for the shell', () => {
    const other = { ...facts, url: 'https://127.0.0.1:40123', dataDir: "/tmp/it's here" };
    expect(envCommand(other)).toBe(
      `eval "$(npx trent env --data-dir '/tmp/it'\\''s here' --endpoint-url https://127.0.0.1:40123)"`,
    );
    const text = renderBanner({ ...other, caBundle: '/tmp/tls/self-signed-cert.pem' });
    expect(text).toContain(`    ${envCommand(other)}\n    export AWS_CA_BUNDLE=/tmp/tls/self-signed-cert.pem\n`);
  });
});

describe('bannerFacts and readyLogFields', () => {
  it('resolve paths from the working directory and carry the same facts into the log line', () => {
    const f = bannerFacts(
      { url: 'http://127.0.0.1:4599', accountId: '111122223333', createdCredentials: {} },
      { dataDir: 'data', dev: true },
      '/srv',
    );
    expect(f).toEqual({
      url: 'http://127.0.0.1:4599',
      dev: true,
      accountId: '111122223333',
      dataDir: '/srv/data',
      credentialsFile: '/srv/data/admin-credentials.json',
      createdCredentials: true,
      defaultDataDir: '/srv/.trent',
    });
    expect(readyLogFields(f)).toEqual({
      url: 'http://127.0.0.1:4599',
      mode: 'dev',
      dataDir: '/srv/data',
      accountId: '111122223333',
      credentialsFile: '/srv/data/admin-credentials.json',
      awsCli: 'eval "$(npx trent env --data-dir /srv/data)"',
    });
  });

  it('names the self-signed certificate only when the server made one', () => {
    const server = { url: 'https://127.0.0.1:4599', accountId: '1', tlsFiles: { certFile: '/d/tls/cert.pem' } };
    expect(bannerFacts(server, { dataDir: '/d', dev: false, tlsSelfSigned: true }).caBundle).toBe('/d/tls/cert.pem');
    expect(bannerFacts(server, { dataDir: '/d', dev: false }).caBundle).toBeUndefined();
  });
});
