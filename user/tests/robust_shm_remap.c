/*
 * robust_shm_remap: shmat with SHM_REMAP over the caller's own last
 * attachment of a segment already marked IPC_RMID. Replacing that
 * attachment closes it, which would destroy the segment in the middle of
 * the call; shmat must hold the segment across the call, as Linux does
 * (do_shmat counts an extra attachment while it maps). The remapped
 * attachment is the same segment: the data survives, nattch is 1, and the
 * segment goes away at the final shmdt.
 *
 * Before the fix the kernel went on with the freed segment and panicked
 * (page fault in shm_frame from vm_fault) at the first touch.
 */
#include <agora_shm_test.h>

int main(void)
{
    t_begin("robust_shm_remap");

    /* The same case twice: with the remap landing exactly on the old
     * attachment, and over its second page only (a partial overlap). */
    for (int partial = 0; partial <= 1; partial++) {
        const char *how = partial ? "partial overlap" : "exact overlap";
        char what[96];
        int id = shmget(IPC_PRIVATE, 2 * PG, IPC_CREAT | 0600);
        T_OK(id >= 0, "shmget a two-page segment");
        if (id < 0)
            break;
        char *a = shmat(id, NULL, 0);
        T_OK(a != AT_FAILED, "first shmat");
        if (a == AT_FAILED)
            break;
        a[0] = 'x';
        a[PG] = 'y';
        T_SUCCESS(shmctl(id, IPC_RMID, NULL), "IPC_RMID while attached");

        char *want = partial ? a + PG : a;
        char *b = shmat(id, want, SHM_REMAP);
        snprintf(what, sizeof(what), "shmat SHM_REMAP over the last attachment (%s)", how);
        T_OK(b == want, what);
        if (b != want)
            break;
        snprintf(what, sizeof(what), "the remapped segment kept its data (%s)", how);
        T_OK(b[0] == 'x' && b[PG] == 'y', what);
        struct shmid_ds ds;
        T_SUCCESS(shmctl(id, IPC_STAT, &ds), "IPC_STAT of the removed, attached id");
        snprintf(what, sizeof(what), "nattch counts the new attachment only (%s)", how);
        T_EQ(ds.shm_nattch, partial ? 2 : 1, what);
        T_OK(ds.shm_perm.mode & SHM_DEST, "the segment is still marked SHM_DEST");
        T_SUCCESS(shmdt(b), "shmdt of the remapped attachment");
        if (partial)
            T_SUCCESS(shmdt(a), "shmdt of what is left of the first attachment");
        T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "the id is gone after the last shmdt");
    }
    return t_end();
}
