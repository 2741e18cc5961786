import type { LogFormat } from './types';
import { AccessLineFields, parseAccessLine, scanAccessLine } from './accessLogFields';
import { scanAccessBytes } from './accessLineBytes';
import { newStampOut } from '../time/webServerDates';

/**
 * Apache / nginx "combined" access log: the Common Log Format plus the quoted referrer and
 * user agent, optionally after a vhost and followed by extra fields (see accessLogFields.ts).
 * Lines without the referrer and user-agent fields are not this format (they are Common).
 */
export const apacheCombined: LogFormat = {
  id: 'apache-combined',
  label: 'Apache/nginx combined access log',
  // Above Common (which also reads these lines): when both access formats understand a
  // sample equally, the one with more fields wins.
  specificity: 6,
  createParser: () => {
    const stamp = newStampOut();
    const fields = new AccessLineFields();
    return {
      parse: (text, line) => parseAccessLine(text, line, true, stamp, fields),
      scanAccess: (text, into) => scanAccessLine(text, true, stamp, into),
      scanAccessBytes: (bytes, start, end, into, request) => scanAccessBytes(bytes, start, end, true, stamp, into, request),
    };
  },
};
