/*
 * timer.c: the 8254 PIT on IRQ 0 and the CMOS real-time clock.
 */
#include <arch/arch.h>
#include <arch/io.h>
#include <arch/trap.h>

#define PIT_HZ 1193182

/*
 * Busy-wait on PIT channel 2, which nothing else uses: gate it on (port
 * 0x61 bit 0, speaker off), load a one-shot count (mode 0) and poll its
 * output (port 0x61 bit 5). Works with interrupts off. The poll is bounded,
 * so a machine without a PIT does not hang: false then.
 */
static bool pit_oneshot(uint32_t count)
{
    uint8_t old61 = inb(0x61);
    outb(0x61, (old61 & ~0x02) | 0x01);
    outb(0x43, 0xB0);                   /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xFF);
    outb(0x42, (count >> 8) & 0xFF);
    uint32_t spins = 0;
    while (!(inb(0x61) & 0x20) && ++spins < 10000000)
        ;
    outb(0x61, old61);
    return spins < 10000000;
}

bool arch_delay_ms(unsigned ms)
{
    while (ms > 0) {
        unsigned n = MIN(ms, 50u);      /* one shot counts at most 54.9 ms */
        if (!pit_oneshot(PIT_HZ / 1000 * n))
            return false;
        ms -= n;
    }
    return true;
}

/* The TSC's rate, from the shortest of three 10 ms one-shots; 0 without a TSC. */
uint64_t arch_tsc_hz(void)
{
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    if (!(edx & (1u << 4)))
        return 0;                       /* no TSC */
    /* A wait can only overshoot (an interrupt, or under QEMU a host that
     * deschedules it), never end early: of three 10 ms measurements the
     * shortest is the truest. */
    const uint32_t count = PIT_HZ / 100;
    uint64_t best = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = arch_read_tsc();
        bool ok = pit_oneshot(count);
        uint64_t t1 = arch_read_tsc();
        if (!ok || t1 <= t0)
            return 0;
        if (!best || t1 - t0 < best)
            best = t1 - t0;
    }
    return best * PIT_HZ / count;
}

void arch_init_timer(unsigned hz)
{
    uint32_t divisor = PIT_HZ / hz;
    outb(0x43, 0x34);                   /* channel 0, lo/hi, rate generator */
    outb(0x40, divisor & 0xFF);
    outb(0x40, (divisor >> 8) & 0xFF);
    pic_unmask(IRQ_TIMER);
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static int bcd(uint8_t v, int is_bcd)
{
    return is_bcd ? (v & 0x0F) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t arch_rtc_read(void)
{
    uint8_t sec, min, hour, day, mon, year, b;
    /* Wait for the end of an update, then read twice until stable. */
    for (int i = 0; i < 100000 && (cmos_read(0x0A) & 0x80); i++)
        ;
    do {
        sec = cmos_read(0x00); min = cmos_read(0x02); hour = cmos_read(0x04);
        day = cmos_read(0x07); mon = cmos_read(0x08); year = cmos_read(0x09);
    } while (sec != cmos_read(0x00));
    b = cmos_read(0x0B);
    int is_bcd = !(b & 0x04);
    int h = bcd(hour & 0x7F, is_bcd);
    if (!(b & 0x02) && (hour & 0x80))   /* 12-hour clock, PM */
        h = (h % 12) + 12;
    int y = 2000 + bcd(year, is_bcd);
    int64_t days = days_from_civil(y, bcd(mon, is_bcd), bcd(day, is_bcd));
    return days * 86400 + h * 3600 + bcd(min, is_bcd) * 60 + bcd(sec, is_bcd);
}
