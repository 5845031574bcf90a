/* Target process of the import/export tests.
 *
 * It lays out memory the tests can recognise, starts two threads that block on a pipe,
 * prints one JSON line with the addresses, and waits until its stdin closes. Run it
 * with an empty environment; it reads nothing else.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int pipefd[2];

static void *worker(void *arg)
{
    char c;
    (void)arg;
    (void)!read(pipefd[0], &c, 1);
    return NULL;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t pattern_size = 96 * (size_t)page;
    unsigned char *pattern = mmap(NULL, pattern_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *guarded = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *heap = malloc(1 << 16);
    pthread_t threads[2];
    char c;

    if (pattern == MAP_FAILED || guarded == MAP_FAILED || heap == NULL || pipe(pipefd) != 0)
        return 2;
    for (size_t i = 0; i < pattern_size; i++)
        pattern[i] = (unsigned char)((i * 131u) ^ (i >> 12) ^ 0x5Au);
    memset(guarded, 0xC3, 3 * (size_t)page);
    if (mprotect(guarded + page, (size_t)page, PROT_NONE) != 0)   /* mapped, not readable */
        return 2;
    memset(heap, 0xA5, 1 << 16);
    strcpy(heap, "MSLIMPORT-HEAP-MARKER");
    for (int i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, worker, NULL) != 0)
            return 2;
    printf("{\"pid\": %d, \"page\": %ld, \"pattern\": %lu, \"pattern_size\": %zu, \"guarded\": %lu, \"heap\": %lu}\n",
           (int)getpid(), page, (unsigned long)pattern, pattern_size, (unsigned long)guarded, (unsigned long)heap);
    fflush(stdout);
    (void)!read(0, &c, 1);
    return 0;
}
