/*
 * init_fds: init hands each test descriptors 0, 1 and 2 only. A descriptor
 * of init's own left open (its /etc/tests stream) is shared with the test:
 * an lseek on it in the test rewinds init's list, and init runs the same
 * tests again (fuzz_syscalls did, six times in one boot).
 */
#include <agora_test.h>
#include <fcntl.h>

int main(void)
{
    /* Before t_begin: what the test was started with. */
    int open_fds = 0, first = -1;
    for (int fd = 3; fd < 64; fd++) {
        if (fcntl(fd, F_GETFD) >= 0) {
            open_fds++;
            if (first < 0)
                first = fd;
        }
    }
    t_begin("init_fds");
    T_OK(fcntl(0, F_GETFD) >= 0 && fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0,
         "descriptors 0, 1 and 2 are open");
    T_EQ(open_fds, 0, "no other descriptor is open at start");
    if (first >= 0)
        printf("# descriptor %d is open\n", first);
    return t_end();
}
