/*
 * selftest.c: boot-time tests of the memory manager and the clock (command-line word
 * "selftest"). Each prints "PASS selftest.NAME" or "FAIL selftest.NAME
 * (why)"; the host harness counts them with the user-space tests.
 *
 * "fail-demo" adds a test that fails on purpose, "selftest-panic" a
 * deliberate kernel fault, "selftest-kfree" a double kfree,
 * "selftest-overflow" a kernel stack overflow into a guard page and
 * "selftest-ubsan" a signed integer overflow, which a UBSAN=1 kernel must
 * report with its location: they exist to prove the harness catches them.
 */
#include <kernel/selftest.h>
#include <kernel/console.h>
#include <kernel/fbcon.h>
#include <kernel/pmm.h>
#include <kernel/vm.h>
#include <kernel/kheap.h>
#include <kernel/boot.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <arch/arch.h>
#include <arch/mmu.h>
#include <string.h>

static int failures;

static void result(const char *name, bool ok, const char *why)
{
    if (ok) {
        printk("PASS selftest.%s\n", name);
    } else {
        printk("FAIL selftest.%s (%s)\n", name, why);
        failures++;
    }
}

/* Allocate every frame, check they are distinct and counted, free them all. */
static void test_pmm_all(void)
{
    uint32_t before = pmm_free_frames();
    uint32_t n = 0;
    paddr_t head = 0;
    bool ok = true;
    /* Chain the frames through their own first word (via kmap). */
    for (paddr_t pa; (pa = pmm_alloc_frame()) != 0; n++) {
        if (pa & (PAGE_SIZE - 1) || pmm_refcount(pa) != 1)
            ok = false;
        paddr_t *p = kmap(pa);
        *p = head;
        kunmap(p);
        head = pa;
    }
    bool empty = pmm_free_frames() == 0 && pmm_alloc_kframe() == 0;
    while (head) {
        paddr_t *p = kmap(head);
        paddr_t next = *p;
        kunmap(p);
        pmm_unref(head);
        head = next;
    }
    result("pmm_alloc_all", ok && n == before, "allocated count differs from free count");
    result("pmm_exhausted", empty, "allocator not empty after taking every frame");
    result("pmm_free_all", pmm_free_frames() == before, "free count differs after freeing all");
}

static void test_pmm_refcount(void)
{
    uint32_t before = pmm_free_frames();
    paddr_t pa = pmm_alloc_frame();
    pmm_ref(pa);
    pmm_unref(pa);
    bool still = pmm_refcount(pa) == 1 && pmm_free_frames() == before - 1;
    pmm_unref(pa);
    result("pmm_refcount", still && pmm_free_frames() == before,
           "frame freed before its count reached zero, or not after");
}

/* No frame of a boot module is ever free. The test image loads as many
 * modules as the kernel keeps, so pmm_init reserves the most ranges it can. */
static void test_pmm_reserved(void)
{
    bool ok = boot_info.nmodules == BOOT_MAX_MODULES;
    for (int i = 0; i < boot_info.nmodules; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        for (paddr_t pa = ALIGN_DOWN(m->start, PAGE_SIZE); pa < m->end; pa += PAGE_SIZE)
            ok = ok && pmm_refcount(pa) != 0;
    }
    result("pmm_reserved", ok, boot_info.nmodules == BOOT_MAX_MODULES ?
           "a frame of a boot module is free" : "the test image should load BOOT_MAX_MODULES modules");
}

static void test_paging(void)
{
    uint32_t before = pmm_free_frames();
    struct vm_space *vs = vm_space_create();
    paddr_t pa = vm_alloc_zeroed_frame();
    bool ok = vs && pa;
    const vaddr_t va = 0x40000000;
    if (ok) {
        ok = vm_map_page(vs, va, pa, VM_READ | VM_WRITE) == 0;
        pte_t pte = vm_lookup_pte(vs, va);
        ok = ok && PTE_ADDR(pte) == pa && (pte & PTE_P) && (pte & PTE_U) && (pte & PTE_W);
        ok = ok && pmm_refcount(pa) == 2;
        ok = ok && !(vm_lookup_pte(vs, va + PAGE_SIZE) & PTE_P);
        ok = ok && vm_lookup_pte(vs, 0) == 0;            /* page 0 never mapped */
        vm_space_activate(vs);
        *(volatile uint32_t *)va = 0xA6080A;             /* through the new mapping */
        vm_space_activate(NULL);
        uint32_t *k = kmap(pa);
        ok = ok && *k == 0xA6080A;
        kunmap(k);
        vm_unmap_page(vs, va);
        ok = ok && !(vm_lookup_pte(vs, va) & PTE_P) && pmm_refcount(pa) == 1;
    }
    result("paging_map_translate_unmap", ok, "mapping, translation or unmapping wrong");
    if (pa)
        pmm_unref(pa);
    if (vs)
        vm_space_destroy(vs);
    result("paging_no_leak", pmm_free_frames() == before, "frames lost by an address space");
}

static void test_kmap_window(void)
{
    /* The window must also work for frames inside the direct map (high
     * frames use it in earnest on machines with more than 512 MiB). */
    paddr_t pa = pmm_alloc_frame();
    void *a = kmap(pa), *b = kmap(pa);
    bool ok = a == b || ((uintptr_t)a >= KMAP_BASE) == ((uintptr_t)b >= KMAP_BASE);
    memset(a, 0x5A, PAGE_SIZE);
    ok = ok && ((uint8_t *)b)[123] == 0x5A;
    kunmap(b);
    kunmap(a);
    pmm_unref(pa);
    result("kmap", ok, "two mappings of one frame disagree");
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245 + 12345;
    return rng_state >> 8;
}

static void test_heap(void)
{
    uint32_t frames_before = pmm_free_frames();
    size_t used_before = kheap_used();
    enum { N = 256 };
    static void *ptr[N];
    static uint32_t len[N];
    bool ok = true;
    for (int round = 0; round < 4000 && ok; round++) {
        int i = (int)(rng() % N);
        if (ptr[i]) {
            for (uint32_t k = 0; k < len[i]; k++)
                if (((uint8_t *)ptr[i])[k] != (uint8_t)(i + k))
                    ok = false;
            kfree(ptr[i]);
            ptr[i] = NULL;
        } else {
            len[i] = 1 + rng() % ((rng() % 8) ? 256 : 20000);
            ptr[i] = kmalloc(len[i]);
            if (!ptr[i] || ((uintptr_t)ptr[i] & 7)) {
                ok = false;
                break;
            }
            for (uint32_t k = 0; k < len[i]; k++)
                ((uint8_t *)ptr[i])[k] = (uint8_t)(i + k);
        }
        if (round % 500 == 0 && kheap_check() != 0)
            ok = false;
    }
    result("heap_random_stress", ok, "data corrupted or allocation failed");
    for (int i = 0; i < N; i++) {
        kfree(ptr[i]);
        ptr[i] = NULL;
    }
    result("heap_consistent", kheap_check() == 0, "heap structure check failed");
    result("heap_no_leak", kheap_used() == used_before && pmm_free_frames() == frames_before,
           "heap did not return to its starting size");
#ifndef NDEBUG
    uint8_t *p = kmalloc(64), *keep = kmalloc(64);      /* keep holds the page */
    kfree(p);
    result("heap_poison", p[16] == KHEAP_POISON, "freed memory not poisoned");
    kfree(keep);
#endif
}

/* Free one block twice: kfree must panic, naming this function. */
static void __attribute__((noinline)) kfree_twice(void)
{
    void *p = kmalloc(32), *keep = kmalloc(32);
    printk("selftest: deliberate double kfree (selftest-kfree)\n");
    kfree(p);
    kfree(p);
    kfree(keep);                        /* not reached */
}

/* Recurse until the kernel stack runs into its guard page. */
static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth > 1000000)                /* never: 8 KiB run out long before */
        return 0;
    return recurse(depth + 1) + frame[0];
}

/* The clock keeps time while interrupts are off and timer ticks are lost:
 * 50 ms of busy waiting on the PIT must show as at least 50 ms (more when
 * the host is busy: QEMU's PIT and TSC both follow the host's clock, and a
 * descheduled QEMU overshoots the wait; a clock ten times too fast would
 * still fail). */
static void test_clock_irqs_off(void)
{
    bool was_on = arch_irq_enabled();
    arch_irq_disable();
    uint64_t ticks0 = sched_ticks();
    int64_t t0 = time_monotonic_ns();
    bool waited = arch_delay_ms(50);
    int64_t ms = (time_monotonic_ns() - t0) / 1000000;
    uint64_t ticks = sched_ticks() - ticks0;
    if (was_on)
        arch_irq_enable();
    printk("selftest: 50 ms of busy waiting with interrupts off: clock %d ms, %u ticks\n",
           (int)ms, (unsigned)ticks);
    result("clock_irqs_off", waited && ms >= 45 && ms < 500 && ticks == 0,
           "the clock did not read 45-500 ms, or ticks came in");
}

/*
 * What was printed before the screen console existed must be on it: kept
 * (nothing lost), and on a framebuffer its first lines, one for one, from
 * the oldest line fbcon holds (the replay was the screen's first output).
 * The comparison stops at the first line that is not plain text or does
 * not fit on one screen line, whose place on the screen it cannot predict.
 */
static void test_console_early(void)
{
    size_t n, lost;
    const char *log = console_early_log(&n, &lost);
    char want[FBCON_MAX_COLS + 1], got[FBCON_MAX_COLS + 1];
    uint32_t cols, rows, line = 0, checked = 0;
    bool ok = n > 0 && (lost == 0 || !fbcon_active());

    fbcon_size(&cols, &rows);
    for (size_t i = 0; ok && i < n && line < fbcon_nlines();) {
        size_t len = 0;
        bool plain = true;
        while (i < n && log[i] != '\r' && log[i] != '\n') {
            plain &= log[i] >= 0x20 && log[i] < 0x7F;
            if (len < cols)
                want[len] = log[i];
            len++;
            i++;
        }
        if (!plain || len > cols || i + 1 >= n || log[i] != '\r' || log[i + 1] != '\n')
            break;
        i += 2;
        while (len > 0 && want[len - 1] == ' ')
            len--;
        want[len] = '\0';
        if (!fbcon_line_text(line++, got, sizeof(got)) || strcmp(want, got) != 0) {
            printk("selftest: early line \"%s\" shows as \"%s\"\n", want, got);
            ok = false;
        }
        checked++;
    }
    printk("selftest: %u bytes printed before the screen, %u lines compared with %s\n",
           (unsigned)n, checked, fbcon_active() ? "the framebuffer" : "nothing (no framebuffer)");
    result("console_early_replay", ok && (checked > 0 || !fbcon_active()),
           "early messages lost, or not shown on the framebuffer console");
}

void selftest_run(void)
{
    uint32_t frames_before = pmm_free_frames();
    test_pmm_reserved();
    test_pmm_refcount();
    test_pmm_all();
    test_paging();
    test_kmap_window();
    test_heap();
    test_clock_irqs_off();
    test_console_early();
    result("frames_after_selftests", pmm_free_frames() == frames_before,
           "free frames differ from before the self-tests");
    if (boot_has_arg("fail-demo"))
        result("fail_demo", false, "fails on purpose: FAIL_DEMO=1");
    if (boot_has_arg("selftest-panic")) {
        printk("selftest: deliberate kernel fault (selftest-panic)\n");
        volatile uint32_t *bad = (volatile uint32_t *)(uintptr_t)boot_info.nmmap;
        *bad = 1;                       /* page 0 is never mapped */
    }
    if (boot_has_arg("selftest-kfree"))
        kfree_twice();
    if (boot_has_arg("selftest-overflow")) {
        /* The boot stack has no guard page: overflow a real kernel stack. */
        vaddr_t top = kstack_alloc();
        printk("selftest: deliberate kernel stack overflow (selftest-overflow)\n");
        __asm__ volatile("mov %0, %%esp; pushl $0; call *%1" : : "r"(top), "r"(recurse) : "memory");
    }
    if (boot_has_arg("selftest-ubsan")) {
#ifdef AGORA_UBSAN
        volatile int big = 0x7fffffff;  /* volatile: no folding at compile time */
        printk("selftest: deliberate signed integer overflow (selftest-ubsan)\n");
        int sum = big + 1;
        printk("selftest: INT_MAX + 1 = %d went unreported\n", sum);
        result("ubsan_demo", false, "the sanitizer did not report the overflow");
#else
        result("ubsan_demo", false, "the kernel is not built with UBSAN=1");
#endif
    }
    printk("selftest: %d failed\n", failures);
}
