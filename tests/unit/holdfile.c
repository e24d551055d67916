/* holdfile FILE: a process that uses a DLL the way a running service does -- keeps it
 * open and mapped -- to show that a swap does not disturb it.  Prints "ready SHA" (of
 * the mapping) once mapped, waits for a line on stdin, then prints "map SHA" and
 * "fd SHA" (the mapping and the open descriptor, read again) and exits. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

static void hex(const unsigned char *p, size_t n, const char *label)
{
	unsigned char d[32];
	unsigned len = 0;

	EVP_Digest(p, n, d, &len, EVP_sha256(), NULL);
	printf("%s ", label);
	for (unsigned i = 0; i < len; i++)
		printf("%02x", d[i]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct stat st;
	unsigned char *map, *copy;
	char line[64];
	int fd, rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: holdfile FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		perror(argv[1]);
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	copy = malloc((size_t)st.st_size);
	if (map == MAP_FAILED || !copy) {
		perror("mmap");
		return 1;
	}
	hex(map, (size_t)st.st_size, "ready");
	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "holdfile: stdin closed before the line that releases the file\n");
		rc = 1;
	} else {
		hex(map, (size_t)st.st_size, "map");
		if (pread(fd, copy, (size_t)st.st_size, 0) == st.st_size) {
			hex(copy, (size_t)st.st_size, "fd");
		} else {
			perror("pread");
			rc = 1;
		}
	}
	free(copy);
	munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}
