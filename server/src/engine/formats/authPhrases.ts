/**
 * Authentication outcomes told in words, as application and security logs write them
 * ("login failed for user bob", "Invalid password", "user alice logged in"), so that logs
 * without a dedicated parser still feed the brute-force and compromise rules.
 *
 * Every pattern is a choice of fixed words joined by bounded separators, so a search costs
 * time linear in the line; a single cheap gate rules out the great majority of lines first.
 */
import type { AuthEvent } from '../model';

/** Every phrase below contains one of these stems. */
const GATE = /log(?:in|on|ged)|auth|passw|credential|sign-?in|access denied/i;

const SEP = '[ _-]{1,3}';
const FAILURE = new RegExp(
  [
    // "failed login", "invalid password", "bad credentials", "unsuccessful logon"
    `(?:failed|failure|invalid|wrong|bad|incorrect|unsuccessful)${SEP}(?:login|logon|log-in|sign-?in|password|passwd|credentials?|authentication|auth)`,
    // "login failed", "authentication failure", "login attempt failed", "password incorrect"
    `(?:login|logon|log-in|sign-?in|authentication|auth|password)${SEP}(?:attempt${SEP})?(?:failed|failure|denied|rejected|incorrect|invalid)`,
    // "failed to log in", "failed to authenticate"
    `failed${SEP}to${SEP}(?:log${SEP}?in|logon|sign${SEP}?in|authenticate)`,
    // MySQL and friends: "Access denied for user 'root'@'localhost'"
    `access${SEP}denied${SEP}for${SEP}user`,
  ].join('|'),
  'i',
);
const SUCCESS = new RegExp(
  [
    // "login successful", "authentication succeeded", "logon success"
    `(?:login|logon|log-in|sign-?in|authentication|auth)${SEP}(?:successful|succeeded|success|accepted)`,
    // "successful login", "Accepted password for", "successfully authenticated"
    `(?:successful(?:ly)?|accepted)${SEP}(?:login|logon|log-in|sign-?in|authentication|authenticated|password|publickey)`,
    // "user bob logged in" (not "not logged in": checked by the caller)
    `logged${SEP}in`,
  ].join('|'),
  'i',
);

/** "user=bob", "user: bob", "username 'bob'", "account bob", "login=bob". */
const USER_FIELD = /\b(?:user(?:name)?|account|login)(?:[ \t]{0,3}[=:][ \t]{0,3}|[ \t]{1,3})["'[<(]?([^\s"'\]>),;=:]{1,64})/gi;
/** sshd style: "for root from", "for invalid user admin from". */
const FOR_USER_FROM = /\bfor[ \t](?:invalid[ \t]user[ \t])?([^\s"']{1,64})[ \t]from[ \t]/i;

/** Words that follow "user"/"login" without being a user name. */
const NOT_NAMES = new Set([
  'failed', 'failure', 'successful', 'successfully', 'succeeded', 'success', 'attempt', 'attempts', 'name', 'not',
  'is', 'was', 'has', 'had', 'from', 'for', 'the', 'and', 'with', 'login', 'logon', 'logged', 'authentication',
  'auth', 'password', 'session', 'account', 'id', 'agent', 'unknown', 'invalid', 'does', 'did', 'to', 'in', 'on',
  'of', 'at', 'by', 'request', 'requested', 'denied', 'error', 'page', 'form', '-', 'user', 'username',
]);

export interface AuthPhrase {
  auth: AuthEvent;
  user?: string;
}

/** The authentication outcome a line's wording states, or undefined. */
export function authFromPhrase(text: string): AuthPhrase | undefined {
  if (!GATE.test(text)) return undefined;
  let auth: AuthEvent | undefined;
  if (FAILURE.test(text)) auth = 'failure';
  else {
    const m = SUCCESS.exec(text);
    if (m && !isNegated(text, m.index)) auth = 'success';
  }
  if (!auth) return undefined;
  const user = userOf(text);
  return user === undefined ? { auth } : { auth, user };
}

/** "not logged in", "never logged in". */
function isNegated(text: string, at: number): boolean {
  const head = text.slice(Math.max(0, at - 7), at).toLowerCase();
  return /\b(?:not|never)\s+$/.test(head);
}

/** The user a line names, if any (at most a few candidates are looked at). */
export function userOf(text: string): string | undefined {
  USER_FIELD.lastIndex = 0;
  for (let tries = 0; tries < 4; tries++) {
    const m = USER_FIELD.exec(text);
    if (!m) break;
    const name = m[1];
    if (!NOT_NAMES.has(name.toLowerCase())) return name;
    // "login user=bob": the rejected word may start the real field, so look again just after this match's start.
    USER_FIELD.lastIndex = m.index + 1;
  }
  const sshd = FOR_USER_FROM.exec(text);
  if (sshd && !NOT_NAMES.has(sshd[1].toLowerCase())) return sshd[1];
  return undefined;
}
