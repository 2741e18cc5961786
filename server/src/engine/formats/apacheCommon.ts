import type { LogFormat } from './types';
import { AccessLineFields, parseAccessLine, scanAccessLine } from './accessLogFields';
import { scanAccessBytes } from './accessLineBytes';
import { newStampOut } from '../time/webServerDates';

/**
 * Apache / nginx Common Log Format: `client ident user [date] "request" status bytes`, with an
 * optional vhost before and anything after (see accessLogFields.ts). It also reads Combined
 * lines, referrer and user agent included, so that a file mixing both shapes loses nothing;
 * Combined ranks above it when both read a sample equally well.
 */
export const apacheCommon: LogFormat = {
  id: 'apache-common',
  label: 'Apache/nginx common access log',
  specificity: 5,
  createParser: () => {
    const stamp = newStampOut();
    const fields = new AccessLineFields();
    return {
      parse: (text, line) => parseAccessLine(text, line, false, stamp, fields),
      scanAccess: (text, into) => scanAccessLine(text, false, stamp, into),
      scanAccessBytes: (bytes, start, end, into, request) => scanAccessBytes(bytes, start, end, false, stamp, into, request),
    };
  },
};
