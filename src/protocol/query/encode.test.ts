import { describe, expect, it } from 'vitest';
import { encodeQueryResponse, xmlTimestamp } from './index.js';
import { escapeXml } from './xml.js';

describe('encodeQueryResponse', () => {
  it('writes <OpResponse xmlns><OpResult> members in model order, then ResponseMetadata', () => {
    const xml = encodeQueryResponse(
      'sts',
      'GetCallerIdentity',
      // Given out of model order, with a member the model does not have.
      { Arn: 'arn:aws:iam::111122223333:user/alice', Account: '111122223333', UserId: 'AIDA1', internal: 'x' } as never,
      'req-1',
    ).toString();
    expect(xml).toBe(
      [
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <GetCallerIdentityResult>',
        '    <UserId>AIDA1</UserId>',
        '    <Account>111122223333</Account>',
        '    <Arn>arn:aws:iam::111122223333:user/alice</Arn>',
        '  </GetCallerIdentityResult>',
        '  <ResponseMetadata>',
        '    <RequestId>req-1</RequestId>',
        '  </ResponseMetadata>',
        '</GetCallerIdentityResponse>',
        '',
      ].join('\n'),
    );
  });

  it('writes only ResponseMetadata for an operation without output', () => {
    expect(encodeQueryResponse('iam', 'DeleteUser', {}, 'r').toString()).toBe(
      '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <ResponseMetadata>\n    <RequestId>r</RequestId>\n  </ResponseMetadata>\n</DeleteUserResponse>\n',
    );
  });

  it('writes lists as <member>, empty lists as <Name/>, booleans, integers, timestamps and maps', () => {
    const xml = encodeQueryResponse(
      'iam',
      'ListUsers',
      {
        Users: [
          {
            Path: '/',
            UserName: 'a',
            UserId: 'AIDA1',
            Arn: 'arn:aws:iam::111122223333:user/a',
            CreateDate: new Date('2024-01-02T03:04:05Z'),
            Tags: [],
          },
        ],
        IsTruncated: true,
        Marker: 'm1',
      },
      'r',
    ).toString();
    expect(xml).toContain(
      [
        '    <Users>',
        '      <member>',
        '        <Path>/</Path>',
        '        <UserName>a</UserName>',
        '        <UserId>AIDA1</UserId>',
        '        <Arn>arn:aws:iam::111122223333:user/a</Arn>',
        '        <CreateDate>2024-01-02T03:04:05Z</CreateDate>',
        '        <Tags/>',
        '      </member>',
        '    </Users>',
        '    <IsTruncated>true</IsTruncated>',
        '    <Marker>m1</Marker>',
      ].join('\n'),
    );
    const summary = encodeQueryResponse('iam', 'GetAccountSummary', { SummaryMap: { Users: 2 } }, 'r').toString();
    expect(summary).toContain(
      '<SummaryMap>\n      <entry>\n        <key>Users</key>\n        <value>2</value>\n      </entry>\n    </SummaryMap>',
    );
  });

  it('writes blobs as base64', () => {
    const xml = encodeQueryResponse(
      'iam',
      'GetCredentialReport',
      { Content: Buffer.from('user,arn\n'), ReportFormat: 'text/csv', GeneratedTime: new Date(0) },
      'r',
    ).toString();
    expect(xml).toContain(`<Content>${Buffer.from('user,arn\n').toString('base64')}</Content>`);
    expect(xml).toContain('<GeneratedTime>1970-01-01T00:00:00Z</GeneratedTime>');
  });

  it('escapes text so no value can change the document', () => {
    const xml = encodeQueryResponse(
      'iam',
      'GetUserPolicy',
      { UserName: 'u', PolicyName: '</PolicyName><x a="1">', PolicyDocument: `a&b<c>"d'e\r\nf\u0001` },
      '<r&>',
    ).toString();
    expect(xml).toContain('<PolicyName>&lt;/PolicyName&gt;&lt;x a=&quot;1&quot;&gt;</PolicyName>');
    expect(xml).toContain('<PolicyDocument>a&amp;b&lt;c&gt;&quot;d&apos;e&#xD;\nf&#x1;</PolicyDocument>');
    expect(xml).toContain('<RequestId>&lt;r&amp;&gt;</RequestId>');
    expect(escapeXml('plain ü 😀')).toBe('plain ü 😀');
  });
});

describe('xmlTimestamp', () => {
  it('is ISO 8601 in UTC, with milliseconds only when there are some', () => {
    expect(xmlTimestamp(new Date('2013-11-01T20:23:15Z'))).toBe('2013-11-01T20:23:15Z');
    expect(xmlTimestamp(new Date('2011-07-15T23:28:33.359Z'))).toBe('2011-07-15T23:28:33.359Z');
  });
});
