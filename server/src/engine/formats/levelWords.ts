/**
 * Log levels as applications write them, mapped to one vocabulary (syslog's severities plus
 * trace and fatal): trace, debug, info, notice, warning, error, critical, alert, emergency, fatal.
 */

const LEVEL_WORDS: Record<string, string> = {
  TRACE: 'trace',
  FINEST: 'trace',
  FINER: 'trace',
  DEBUG: 'debug',
  FINE: 'debug',
  INFO: 'info',
  INFORMATION: 'info',
  INFORMATIONAL: 'info',
  NOTICE: 'notice',
  WARN: 'warning',
  WARNING: 'warning',
  ERROR: 'error',
  ERR: 'error',
  SEVERE: 'error',
  CRIT: 'critical',
  CRITICAL: 'critical',
  ALERT: 'alert',
  EMERG: 'emergency',
  EMERGENCY: 'emergency',
  FATAL: 'fatal',
  PANIC: 'fatal',
};

/** The canonical level of an upper-case word ("WARN" → "warning"), or undefined. */
export function levelOfUpperWord(word: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(LEVEL_WORDS, word) ? LEVEL_WORDS[word] : undefined;
}

/** The canonical level of a level value in any case ("Warn", "warning", "E"...). */
export function levelOfWord(word: string): string | undefined {
  if (word.length > 13) return undefined;
  const upper = word.toUpperCase();
  const known = levelOfUpperWord(upper);
  if (known) return known;
  // One-letter levels (glog, MongoDB "s": "I"/"W"/"E"/"F", Android "V/D/I/W/E").
  switch (upper) {
    case 'V':
    case 'T':
      return 'trace';
    case 'D':
      return 'debug';
    case 'I':
      return 'info';
    case 'N':
      return 'notice';
    case 'W':
      return 'warning';
    case 'E':
      return 'error';
    case 'C':
      return 'critical';
    case 'F':
      return 'fatal';
    default:
      return undefined;
  }
}

/** Bunyan and pino numeric levels (10 trace … 60 fatal). */
export function levelOfBunyanNumber(value: number): string | undefined {
  if (!(value >= 10)) return undefined;
  if (value >= 60) return 'fatal';
  if (value >= 50) return 'error';
  if (value >= 40) return 'warning';
  if (value >= 30) return 'info';
  if (value >= 20) return 'debug';
  return 'trace';
}

const SYSLOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** Syslog numeric severity 0–7 (journald's PRIORITY). */
export function levelOfSyslogSeverity(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= 7 ? SYSLOG_SEVERITIES[value] : undefined;
}
