/* utc: the current time in UTC, formatted. */
#include "utc.h"

#include <stdio.h>
#include <time.h>

char *hf_utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
	return buf;
}

char *hf_utc_now_ms(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char sec[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!gmtime_r(&ts.tv_sec, &tm) || !strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(sec, sizeof(sec), "1970-01-01T00:00:00");
	snprintf(buf, len, "%.19s.%03dZ", sec, (int)(ts.tv_nsec / 1000000) % 1000);
	return buf;
}
