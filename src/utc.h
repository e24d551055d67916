/* utc: the current time in UTC, in the two forms the product writes -- xs:dateTime to the
 * second for records (the registry's install time, txlog's time=) and to the millisecond
 * for the history log's lines, so that the order of steps across sites can be read off
 * the logs.
 *
 * Owns nothing beyond the call.  Times are written for people and for audits; no
 * decision is ever taken from them (content and hashes decide, never timestamps). */
#ifndef HOTFIX_UTC_H
#define HOTFIX_UTC_H

#include <stddef.h>

/* "2026-11-28T01:02:03Z" into buf (>= 21 bytes); the epoch if the clock cannot be read. */
char *hf_utc_now(char *buf, size_t len);

/* "2026-11-28T01:02:03.456Z" into buf (>= 25 bytes). */
char *hf_utc_now_ms(char *buf, size_t len);

#endif
