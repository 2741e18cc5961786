import { strict as assert } from 'node:assert';
import { addressOfField, findAddress, isAddress } from '../../../server/src/engine/net/findAddress';

describe('net/findAddress', () => {
  it('finds the first IPv4 address and its span', () => {
    assert.equal(findAddress('from 203.0.113.9 to 10.0.0.1'), '203.0.113.9');
    assert.equal(findAddress('SRC=192.0.2.10 DST=10.0.0.1'), '192.0.2.10');
    assert.equal(findAddress('[client 127.0.0.1:60444] AH00135'), '127.0.0.1');
    assert.equal(findAddress('ip:198.51.100.3,'), '198.51.100.3');
    assert.equal(findAddress('end of sentence 192.0.2.77.'), '192.0.2.77');
  });

  it('honours from/to', () => {
    const text = '10.0.0.1 then 10.0.0.2';
    assert.equal(findAddress(text, 1), '10.0.0.2');
    assert.equal(findAddress(text, 0, 7), undefined);
  });

  it('rejects octets over 255, leading zeros, fifth parts and glued words', () => {
    assert.equal(findAddress('300.1.1.1'), undefined);
    assert.equal(findAddress('01.02.03.04'), undefined);
    assert.equal(findAddress('OID 1.3.6.1.4.1.311'), undefined);
    assert.equal(findAddress('version v1.2.3.4 build 1.2.3'), undefined);
    assert.equal(findAddress('Chrome/24.0.1312.57 Safari/537.17'), undefined);
    assert.equal(findAddress('1.2.3.4abc'), undefined);
  });

  it('finds IPv6 addresses, full, compressed, v4-mapped and bracketed', () => {
    assert.equal(findAddress('peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up'), '2001:0db8:85a3:0000:0000:8a2e:0370:7334');
    assert.equal(findAddress('peer 2001:db8::1 up'), '2001:db8::1');
    assert.equal(findAddress('peer ::1 up'), '::1');
    assert.equal(findAddress('peer ::ffff:192.0.2.5 up'), '::ffff:192.0.2.5');
    assert.equal(findAddress('GET http://[2001:db8::2]:8080/'), '2001:db8::2');
  });

  it('drops a port written after an IPv6 address without brackets', () => {
    assert.equal(findAddress('[client ::1:58619] x'), '::1');
    assert.equal(findAddress('[client fe80::1:2:3:4:5:65535] x'), 'fe80::1:2:3:4:5');
  });

  it('does not take clock times, MAC addresses or names for IPv6', () => {
    assert.equal(findAddress('at 10:22:40 and 23:59'), undefined);
    assert.equal(findAddress('MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00'), undefined);
    assert.equal(findAddress('ether 00:1a:2b:3c:4d:5e'), undefined);
    assert.equal(findAddress('Data::Dumper and bad::face'), undefined);
    assert.equal(findAddress('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(findAddress('1::2::3'), undefined);
  });

  it('tells whole addresses', () => {
    assert.ok(isAddress('192.0.2.1'));
    assert.ok(isAddress('2001:db8::1'));
    assert.ok(!isAddress('192.0.2.1:80'));
    assert.ok(!isAddress('host.example.com'));
    assert.ok(!isAddress(''));
  });

  it('reads address fields with ports and proxy chains', () => {
    assert.equal(addressOfField('192.0.2.1:5678'), '192.0.2.1');
    assert.equal(addressOfField('[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(addressOfField('203.0.113.5, 10.0.0.1'), '203.0.113.5');
    assert.equal(addressOfField('192.0.2.1'), '192.0.2.1');
    assert.equal(addressOfField('gateway.local'), 'gateway.local');
  });

  it('is linear on runs built to make a scanner start over', () => {
    const MB = 1 << 20;
    for (const text of ['1:2:3:4:5:6:7:8:9 '.repeat(MB / 18), 'a::b:c '.repeat(MB / 7), '1.'.repeat(MB / 2), '1:'.repeat(MB / 2), 'f:'.repeat(MB / 2), '::'.repeat(MB / 2), '255.'.repeat(MB / 4), '1'.repeat(MB)]) {
      const t0 = performance.now();
      findAddress(text);
      const ms = performance.now() - t0;
      assert.ok(ms < 500, `${text.slice(0, 8)}…: ${ms.toFixed(1)} ms`);
    }
  });
});
