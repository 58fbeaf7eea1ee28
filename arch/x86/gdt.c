/*
 * gdt.c: the Global Descriptor Table and the Task State Segment.
 * Flat 4 GiB segments for kernel and user code and data; a TSS whose only
 * job is to give the CPU the kernel stack (esp0) on a trap from ring 3;
 * one TLS descriptor that set_thread_area(2) fills per process.
 */
#include <arch/trap.h>
#include <arch/arch.h>
#include <string.h>

struct gdt_entry {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t base_mid;
    uint8_t access;
    uint8_t flags_limit_hi;
    uint8_t base_hi;
} __attribute__((packed));

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

static struct gdt_entry gdt[8];
static struct tss tss;
static struct tss df_tss;               /* the double-fault task */
static uint8_t df_stack[4096] __attribute__((aligned(16)));

#define SEG_DF_TSS 0x38                 /* GDT index 7 */

static void set_entry(int i, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    gdt[i].limit_lo = limit & 0xFFFF;
    gdt[i].base_lo = base & 0xFFFF;
    gdt[i].base_mid = (base >> 16) & 0xFF;
    gdt[i].access = access;
    gdt[i].flags_limit_hi = (uint8_t)((flags << 4) | ((limit >> 16) & 0x0F));
    gdt[i].base_hi = (base >> 24) & 0xFF;
}

static void load_gdt(void)
{
    struct { uint16_t size; uint32_t base; } __attribute__((packed)) gdtr = {
        sizeof(gdt) - 1, (uint32_t)gdt
    };
    __asm__ volatile(
        "lgdt %0\n\t"
        "ljmp %1, $1f\n"
        "1:\n\t"
        "mov %2, %%ax\n\t"
        "mov %%ax, %%ds\n\t"
        "mov %%ax, %%es\n\t"
        "mov %%ax, %%fs\n\t"
        "mov %%ax, %%gs\n\t"
        "mov %%ax, %%ss\n\t"
        : : "m"(gdtr), "i"(SEG_KCODE), "i"(SEG_KDATA) : "eax", "memory");
}

void gdt_init(void)
{
    memset(gdt, 0, sizeof(gdt));
    set_entry(1, 0, 0xFFFFF, 0x9A, 0xC);    /* kernel code, ring 0 */
    set_entry(2, 0, 0xFFFFF, 0x92, 0xC);    /* kernel data */
    set_entry(3, 0, 0xFFFFF, 0xFA, 0xC);    /* user code, ring 3 */
    set_entry(4, 0, 0xFFFFF, 0xF2, 0xC);    /* user data */
    memset(&tss, 0, sizeof(tss));
    tss.ss0 = SEG_KDATA;
    tss.iomap_base = sizeof(tss);           /* no I/O bitmap: ring 3 gets no ports */
    set_entry(5, (uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);
    load_gdt();
    __asm__ volatile("ltr %w0" : : "r"(SEG_TSS));
}

/* Fill the TLS descriptor (GDT_TLS_INDEX) for the process about to run. */
void gdt_set_tls(uint32_t base, uint32_t limit, int limit_in_pages, int present)
{
    if (!present) {
        memset(&gdt[GDT_TLS_INDEX], 0, sizeof(gdt[0]));
        return;
    }
    set_entry(GDT_TLS_INDEX, base, limit, 0xF2, limit_in_pages ? 0xC : 0x4);
}

/* Access-byte bits of a GDT descriptor. */
#define DESC_PRESENT  0x80
#define DESC_DPL3     0x60
#define DESC_S        0x10              /* code or data (not a system segment) */
#define DESC_CODE     0x08
#define DESC_READABLE 0x02              /* for code: readable */

/*
 * Can ring 0 load sel into ds/es/fs/gs for ring 3 without a fault, and
 * will ring 3 keep it? Null selectors, and GDT descriptors that are
 * present, DPL 3, and data or readable code. agora has no LDT.
 */
static bool user_selector_ok(uint32_t sel)
{
    sel &= 0xFFFF;
    if ((sel & ~3u) == 0)
        return true;                    /* null: loads fine, faults on use */
    if (sel & 4)
        return false;                   /* TI: an LDT selector */
    uint32_t index = sel >> 3;
    if (index >= sizeof(gdt) / sizeof(gdt[0]))
        return false;
    uint8_t a = gdt[index].access;
    if ((a & (DESC_PRESENT | DESC_DPL3 | DESC_S)) != (DESC_PRESENT | DESC_DPL3 | DESC_S))
        return false;
    return !(a & DESC_CODE) || (a & DESC_READABLE);
}

void arch_sanitize_user_segments(struct trapframe *tf)
{
    if (!user_selector_ok(tf->ds)) tf->ds = 0;
    if (!user_selector_ok(tf->es)) tf->es = 0;
    if (!user_selector_ok(tf->fs)) tf->fs = 0;
    if (!user_selector_ok(tf->gs)) tf->gs = 0;
}

/*
 * A double fault usually means the kernel overflowed its stack into the
 * guard page: the CPU could not even push the page-fault frame. Handling it
 * on the same stack is impossible, so vector 8 is a task gate that switches
 * to a task with its own stack; the CPU saves the failing state in tss.
 */
static void __attribute__((noreturn)) double_fault(void)
{
    double_fault_report(tss.eip, tss.esp, tss.ebp);
}

void arch_init_double_fault(paddr_t kernel_cr3)
{
    memset(&df_tss, 0, sizeof(df_tss));
    df_tss.esp = df_tss.esp0 = (uint32_t)(df_stack + sizeof(df_stack));
    df_tss.ss = df_tss.ss0 = df_tss.ds = df_tss.es = SEG_KDATA;
    df_tss.fs = df_tss.gs = SEG_KDATA;
    df_tss.cs = SEG_KCODE;
    df_tss.eip = (uint32_t)double_fault;
    df_tss.eflags = 0x2;                /* interrupts off */
    df_tss.cr3 = kernel_cr3;
    df_tss.iomap_base = sizeof(df_tss);
    set_entry(7, (uint32_t)&df_tss, sizeof(df_tss) - 1, 0x89, 0x0);
    idt_set_task_gate(T_DBLFLT, SEG_DF_TSS);
}

void arch_set_kernel_stack(vaddr_t top)
{
    tss.esp0 = top;
}
