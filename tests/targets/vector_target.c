/* Target of the ELF-core export test: three threads that hold known values in their
 * vector registers (ymm0-ymm15 with AVX, else xmm0-xmm15) while blocked in read(2).
 *
 * Each thread fills a 512-byte pattern derived from its index, loads it into the vector
 * registers and enters read(2) on a pipe through a raw syscall, so no library code runs
 * between the load and the block. It prints one JSON line and waits for stdin to close.
 * Run it with an empty environment; it reads nothing else.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int pipefd[2];
static int use_avx;

static void hold(int index, int fd)
{
    static __thread unsigned char pattern[512] __attribute__((aligned(32)));
    char c;
    for (int i = 0; i < 512; i++)
        pattern[i] = (unsigned char)(index * 37 + i * 11 + 1);
    long ret;
    if (use_avx) {
        __asm__ volatile(
            "vmovdqu 0(%2), %%ymm0\n\tvmovdqu 32(%2), %%ymm1\n\tvmovdqu 64(%2), %%ymm2\n\tvmovdqu 96(%2), %%ymm3\n\t"
            "vmovdqu 128(%2), %%ymm4\n\tvmovdqu 160(%2), %%ymm5\n\tvmovdqu 192(%2), %%ymm6\n\tvmovdqu 224(%2), %%ymm7\n\t"
            "vmovdqu 256(%2), %%ymm8\n\tvmovdqu 288(%2), %%ymm9\n\tvmovdqu 320(%2), %%ymm10\n\t"
            "vmovdqu 352(%2), %%ymm11\n\tvmovdqu 384(%2), %%ymm12\n\tvmovdqu 416(%2), %%ymm13\n\t"
            "vmovdqu 448(%2), %%ymm14\n\tvmovdqu 480(%2), %%ymm15\n\t"
            "syscall"
            : "=a"(ret)
            : "a"(0L), "r"(pattern), "D"((long)fd), "S"(&c), "d"(1L)
            : "rcx", "r11", "memory");
    } else {
        __asm__ volatile(
            "movdqu 0(%2), %%xmm0\n\tmovdqu 16(%2), %%xmm1\n\tmovdqu 32(%2), %%xmm2\n\tmovdqu 48(%2), %%xmm3\n\t"
            "movdqu 64(%2), %%xmm4\n\tmovdqu 80(%2), %%xmm5\n\tmovdqu 96(%2), %%xmm6\n\tmovdqu 112(%2), %%xmm7\n\t"
            "movdqu 128(%2), %%xmm8\n\tmovdqu 144(%2), %%xmm9\n\tmovdqu 160(%2), %%xmm10\n\t"
            "movdqu 176(%2), %%xmm11\n\tmovdqu 192(%2), %%xmm12\n\tmovdqu 208(%2), %%xmm13\n\t"
            "movdqu 224(%2), %%xmm14\n\tmovdqu 240(%2), %%xmm15\n\t"
            "syscall"
            : "=a"(ret)
            : "a"(0L), "r"(pattern), "D"((long)fd), "S"(&c), "d"(1L)
            : "rcx", "r11", "memory");
    }
    (void)ret;
}

static void *vector_worker(void *arg)
{
    hold((int)(long)arg, pipefd[0]);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t threads[2];
    use_avx = argc > 1 && argv[1][0] == '1';
    if (pipe(pipefd) != 0)
        return 2;
    for (long i = 0; i < 2; i++)
        if (pthread_create(&threads[i], NULL, vector_worker, (void *)(i + 1)) != 0)
            return 2;
    printf("{\"pid\": %d, \"avx\": %d}\n", (int)getpid(), use_avx);
    fflush(stdout);
    hold(0, 0);
    return 0;
}
